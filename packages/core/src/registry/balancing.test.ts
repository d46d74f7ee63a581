// Strategies' distribution and stickiness, and the service balancer's filters, per-instance breakers,
// retry-to-the-next-instance, and canary route rules (weighted shares within a binomial tolerance,
// header match, changed live through config). A seeded random source keeps every run the same.
import { describe, expect, it } from "vitest";
import { Config } from "../config.js";
import type { ServiceInstance } from "../ports.js";
import { createServiceBalancer, type Target } from "./service-balancer.js";
import { createStaticRegistry } from "./static-registry.js";
import { type Candidate, random, roundRobin, sessionSticky, weightedResponse } from "./strategies.js";

/** mulberry32: a small seeded PRNG, [0, 1). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const inst = (id: string, more: Partial<ServiceInstance> = {}): ServiceInstance => ({
  service: "orders",
  id,
  endpoints: { http: `http://${id}:1` },
  ...more,
});
const cands = (...ids: string[]): Candidate[] => ids.map((id) => ({ instance: inst(id), url: `http://${id}:1`, ewmaMs: 0, failures: 0 }));
const tally = (picks: Array<{ instance: ServiceInstance }>) => {
  const out: Record<string, number> = {};
  for (const p of picks) out[p.instance.id] = (out[p.instance.id] ?? 0) + 1;
  return out;
};
/** Within `sigmas` standard deviations of n·p (binomial). */
const within = (count: number, n: number, p: number, sigmas = 4) => Math.abs(count - n * p) <= sigmas * Math.sqrt(n * p * (1 - p));

describe("strategies", () => {
  it("round robin: each instance in turn, exactly even", () => {
    const c = cands("a", "b", "c");
    const s = roundRobin();
    const picks = Array.from({ length: 300 }, () => s.pick(c, {}));
    expect(tally(picks)).toEqual({ a: 100, b: 100, c: 100 });
    expect(picks.slice(0, 3).map((p) => p.instance.id)).not.toEqual(picks.slice(1, 4).map((p) => p.instance.id));
  });

  it("random: uniform within a binomial tolerance over 30 000 picks", () => {
    const c = cands("a", "b", "c");
    const s = random(seeded(1));
    const t = tally(Array.from({ length: 30_000 }, () => s.pick(c, {})));
    for (const id of ["a", "b", "c"]) expect(within(t[id] ?? 0, 30_000, 1 / 3)).toBe(true);
  });

  it("session sticky: a key stays on one instance, keys spread, and a key moves on after N failures in a row", () => {
    const c = cands("a", "b", "c");
    const s = sessionSticky({ maxFailures: 2 });
    const homes = new Map<string, string>();
    for (let k = 0; k < 30; k++) {
      for (let n = 0; n < 10; n++) {
        const p = s.pick(c, { key: `user-${k}` }).instance.id;
        expect(homes.get(`user-${k}`) ?? p).toBe(p);
        homes.set(`user-${k}`, p);
      }
    }
    expect(tally([...homes.values()].map((id) => ({ instance: inst(id) })))).toEqual({ a: 10, b: 10, c: 10 });
    const req = { key: "user-0" };
    const home = s.pick(c, req);
    s.report?.(home, false, req);
    expect(s.pick(c, req)).toBe(home); // one failure: still there
    s.report?.(home, false, req);
    const moved = s.pick(c, req);
    expect(moved).not.toBe(home); // two in a row: moved on
    expect(s.pick(c, req)).toBe(moved); // and sticks to the new one
    // The instance gone from the list: the key moves too.
    const without = c.filter((x) => x !== moved);
    expect(without).toContain(s.pick(without, req));
  });

  it("weighted response: shares follow the inverse of the latency EWMA; an unmeasured instance counts as fastest", () => {
    const c = cands("fast", "slow", "new");
    (c[0] as Candidate).ewmaMs = 10;
    (c[1] as Candidate).ewmaMs = 40;
    const s = weightedResponse(seeded(2));
    const n = 30_000;
    const t = tally(Array.from({ length: n }, () => s.pick(c, {})));
    // weights 1/10, 1/40, 1/10 → 4/9, 1/9, 4/9
    expect(within(t.fast ?? 0, n, 4 / 9)).toBe(true);
    expect(within(t.slow ?? 0, n, 1 / 9)).toBe(true);
    expect(within(t.new ?? 0, n, 4 / 9)).toBe(true);
  });
});

describe("service balancer", () => {
  const three = () =>
    createStaticRegistry([
      inst("a", { version: "1", zone: "z1", tags: { tier: "gold" } }),
      inst("b", { version: "1", zone: "z2" }),
      inst("c", { version: "2", zone: "z2", tags: { tier: "gold" } }),
    ]);

  it("follows the registry's watch: instances that join are picked, those that leave are not", async () => {
    const registry = three();
    const b = createServiceBalancer({ registry, service: "orders", transport: "http" });
    await b.ready();
    expect(b.targets.map((t) => t.url)).toEqual(["http://a:1", "http://b:1", "http://c:1"]);
    await registry.deregister(inst("b"));
    await registry.register(inst("d"));
    const t = tally(Array.from({ length: 30 }, () => b.pick()));
    expect(t).toEqual({ a: 10, c: 10, d: 10 });
    await registry.deregister(inst("a"));
    await registry.deregister(inst("c"));
    await registry.deregister(inst("d"));
    expect(() => b.pick()).toThrow(expect.objectContaining({ reason: "WEGO_ERR_NO_INSTANCE", code: "unavailable" }));
    b.close();
  });

  it("tag filter keeps only matching instances; zone filter prefers the zone and falls back when it is empty", async () => {
    const registry = three();
    const gold = createServiceBalancer({ registry, service: "orders", transport: "http", tags: { tier: "gold" } });
    const z2 = createServiceBalancer({ registry, service: "orders", transport: "http", zone: "z2" });
    await Promise.all([gold.ready(), z2.ready()]);
    expect(Object.keys(tally(Array.from({ length: 20 }, () => gold.pick()))).sort()).toEqual(["a", "c"]);
    expect(Object.keys(tally(Array.from({ length: 20 }, () => z2.pick()))).sort()).toEqual(["b", "c"]);
    await registry.deregister(inst("b"));
    await registry.deregister(inst("c"));
    expect(z2.pick().instance.id).toBe("a");
  });

  it("a retry goes to an instance not tried yet; an instance whose breaker opened is skipped", async () => {
    const b = createServiceBalancer({
      registry: three(),
      service: "orders",
      transport: "http",
      breaker: { requestVolumeThreshold: 3, errorThresholdPercentage: 50, sleepWindowMs: 60_000 },
    });
    await b.ready();
    const tried = new Set<Target>();
    for (let i = 0; i < 3; i++) tried.add(b.pick({}, tried));
    expect(tried.size).toBe(3);
    const a = b.targets[0] as Target;
    for (let i = 0; i < 3; i++) b.report(a, false, 5);
    await new Promise((r) => setImmediate(r)); // the breaker records an outcome when its promise settles
    expect(a.breaker?.state).toBe("open");
    expect(tally(Array.from({ length: 40 }, () => b.pick()))).toEqual({ b: 20, c: 20 });
  });

  it("canary: 90/10 by version within a binomial tolerance over 10 000 calls; x-canary: 1 → v2 always", async () => {
    const registry = createStaticRegistry([inst("v1a", { version: "1" }), inst("v1b", { version: "1" }), inst("v2", { version: "2" })]);
    const b = createServiceBalancer({
      registry,
      service: "orders",
      transport: "http",
      rng: seeded(3),
      rules: [
        { match: { headers: { "x-canary": "1" } }, routes: [{ weight: 100, version: "2" }] },
        {
          routes: [
            { weight: 90, version: "1" },
            { weight: 10, version: "2" },
          ],
        },
      ],
    });
    await b.ready();
    const n = 10_000;
    const t = tally(Array.from({ length: n }, () => b.pick()));
    expect(within(t.v2 ?? 0, n, 0.1)).toBe(true);
    expect((t.v1a ?? 0) + (t.v1b ?? 0)).toBe(n - (t.v2 ?? 0));
    expect(tally(Array.from({ length: 200 }, () => b.pick({ headers: { "x-canary": "1" } })))).toEqual({ v2: 200 });
  });

  it("route rules change live through config; a bad rule list is refused and the last good one kept", async () => {
    let push: (tree: Record<string, unknown>) => void = () => {};
    const config = new Config({ env: {}, argv: [] });
    config.useLog({ warn() {}, info() {} });
    await config.attach({
      name: "test",
      start: async (p) => {
        push = p;
      },
      close: async () => {},
    });
    const registry = createStaticRegistry([inst("v1", { version: "1" }), inst("v2", { version: "2" })]);
    const b = createServiceBalancer({ registry, service: "orders", transport: "http", rulesFrom: { config, key: "routeRules.orders" } });
    await b.ready();
    expect(Object.keys(tally(Array.from({ length: 20 }, () => b.pick()))).sort()).toEqual(["v1", "v2"]);
    push({ routeRules: { orders: [{ routes: [{ weight: 1, version: "2" }] }] } });
    expect(tally(Array.from({ length: 20 }, () => b.pick()))).toEqual({ v2: 20 });
    push({ routeRules: { orders: [{ routes: "everything to v1" }] } });
    expect(tally(Array.from({ length: 20 }, () => b.pick()))).toEqual({ v2: 20 });
    b.close();
  });
});
