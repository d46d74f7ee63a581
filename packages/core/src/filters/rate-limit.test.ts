import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import type { LimiterStore } from "../ports.js";
import { invoke } from "../testing/invoke.js";
import { createMemoryLimiterStore } from "./memory-limiter-store.js";
import { rateLimit } from "./rate-limit.js";

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });
const ok: Endpoint = async () => "ok";

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    const e = err as WegoError;
    return `${e.code}:${e.retryAfterMs}`;
  }
}

describe("memory limiter store", () => {
  it("allows exactly `limit` hits in any sliding window, then tells how long to wait", () => {
    const clock = { t: 10_000 };
    const store = createMemoryLimiterStore({ now: () => clock.t });
    const hits = (n: number) => Array.from({ length: n }, () => store.tryHit("k", 5, 1000));
    expect(hits(5)).toEqual([0, 0, 0, 0, 0]);
    expect(hits(2)).toEqual([1000, 1000]);
    clock.t += 999;
    expect(store.tryHit("k", 5, 1000)).toBe(1);
    clock.t += 1;
    expect(hits(6)).toEqual([0, 0, 0, 0, 0, 1000]);
  });

  it("slides: a hit leaves the window windowMs after it was made", () => {
    const clock = { t: 0 };
    const store = createMemoryLimiterStore({ now: () => clock.t });
    for (const at of [0, 200, 400]) {
      clock.t = at;
      expect(store.tryHit("k", 3, 1000)).toBe(0);
    }
    clock.t = 900;
    expect(store.tryHit("k", 3, 1000)).toBe(100);
    clock.t = 1000;
    expect(store.tryHit("k", 3, 1000)).toBe(0);
    expect(store.tryHit("k", 3, 1000)).toBe(200);
  });

  it.each([
    [4, 30],
    [50, 4],
  ])("matches a brute-force model of the sliding window on random traffic (limit %i)", (limit, maxGap) => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const clock = { t: 1 };
    const store = createMemoryLimiterStore({ now: () => clock.t });
    const windowMs = 100;
    const allowedAt: number[] = [];
    for (let i = 0; i < 5000; i++) {
      clock.t += Math.floor(rnd() * maxGap);
      const inWindow = allowedAt.filter((a) => clock.t - a < windowMs).length;
      const expected = inWindow < limit;
      const got = store.tryHit("k", limit, windowMs) === 0;
      expect(got, `hit ${i} at ${clock.t}`).toBe(expected);
      if (got) allowedAt.push(clock.t);
    }
    expect(allowedAt.length).toBeGreaterThan(1000);
  });

  it("a huge limit costs memory per hit made, not per hit allowed", () => {
    const store = createMemoryLimiterStore();
    // a preallocated ring of 2^31 slots would throw a RangeError here
    for (let i = 0; i < 10_000; i++) expect(store.tryHit("k", 2 ** 31, 60_000)).toBe(0);
  });

  it("keys are independent; idle keys are swept; maxKeys bounds memory", async () => {
    const clock = { t: 0 };
    const store = createMemoryLimiterStore({ now: () => clock.t, maxKeys: 3 });
    expect(store.tryHit("a", 1, 500)).toBe(0);
    expect(store.tryHit("b", 1, 500)).toBe(0);
    expect(store.tryHit("a", 1, 500)).toBe(500);
    expect(await store.hit("c", 2, 500)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await store.hit("c", 2, 500)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(await store.hit("c", 2, 500)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 500 });
    expect(store.size).toBe(3);
    store.tryHit("d", 1, 500); // past maxKeys: the oldest key ("a") is forgotten
    expect(store.size).toBe(3);
    expect(store.tryHit("a", 1, 500)).toBe(0);
    clock.t = 5_000; // everything is idle for a whole window: swept
    store.tryHit("e", 1, 500);
    expect(store.size).toBe(1);
  });
});

describe("filters.rateLimit", () => {
  it("lets through the configured count per window and no more, with a retry-after hint", async () => {
    const clock = { t: 50_000 };
    const app = newApp();
    let reached = 0;
    const ep = filters.chain(rateLimit({ limit: 3, windowMs: 1000, store: createMemoryLimiterStore({ now: () => clock.t }) }), async () => {
      reached++;
      return "ok";
    });
    app.handler("h", ep);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await outcome(invoke(app, "h")));
    expect(results).toEqual(["ok", "ok", "ok", "resource_exhausted:1000", "resource_exhausted:1000"]);
    expect(reached).toBe(3);
    clock.t += 1000;
    for (let i = 0; i < 3; i++) expect(await outcome(invoke(app, "h"))).toBe("ok");
    expect(reached).toBe(6);
    const err = (await invoke(app, "h").catch((e: unknown) => e)) as WegoError;
    expect(err.details).toEqual({ limit: 3, windowMs: 1000, retryAfterMs: 1000 });
  });

  it("is per handler by default, and per client with a key function", async () => {
    const app = newApp();
    const perHandler = rateLimit({ limit: 1, windowMs: 60_000 });
    app.handler("a", filters.chain(perHandler, ok));
    app.handler("b", filters.chain(perHandler, ok));
    expect(await outcome(invoke(app, "a"))).toBe("ok");
    expect(await outcome(invoke(app, "b"))).toBe("ok");
    expect(await outcome(invoke(app, "a"))).toMatch(/^resource_exhausted/);

    const perUser = filters.chain(
      rateLimit({ limit: 2, windowMs: 60_000, key: (ctx: Context) => (ctx.request as { user?: string }).user }),
      ok,
    );
    const as = (user?: string) => outcome(invoke(app, perUser, user === undefined ? {} : { user }));
    const got = [await as("ann"), await as("ann"), await as("bob"), await as("ann")];
    expect(got.map((o) => o.split(":")[0])).toEqual(["ok", "ok", "ok", "resource_exhausted"]);
    expect(Number(got[3]?.split(":")[1])).toBeGreaterThan(59_000); // real clock: the wait is about a window
    // no key: not limited
    expect([await as(), await as(), await as()]).toEqual(["ok", "ok", "ok"]);
  });

  it("counts in a given store (optionally under a prefix), for a cluster-wide limit", async () => {
    const seen: string[] = [];
    const counts = new Map<string, number>();
    const store: LimiterStore = {
      async hit(key, limit) {
        seen.push(key);
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        return { allowed: n <= limit, remaining: Math.max(0, limit - n), retryAfterMs: n <= limit ? 0 : 250 };
      },
    };
    const app = newApp();
    app.handler("shared", filters.chain(rateLimit({ limit: 2, windowMs: 1000, store }), ok));
    app.handler("login", filters.chain(rateLimit({ limit: 1, windowMs: 1000, store, prefix: "strict:" }), ok));
    const r = [await outcome(invoke(app, "shared")), await outcome(invoke(app, "shared")), await outcome(invoke(app, "shared"))];
    expect(r).toEqual(["ok", "ok", "resource_exhausted:250"]);
    expect(await outcome(invoke(app, "login"))).toBe("ok");
    expect(seen).toEqual(["shared", "shared", "shared", "strict:login"]);
  });

  it("a failing store fails the call (unavailable), or lets it through with failOpen", async () => {
    const broken: LimiterStore = {
      hit: async () => {
        throw new Error("redis down");
      },
    };
    const app = newApp();
    const closed = filters.chain(rateLimit({ store: broken }), ok);
    const open = filters.chain(rateLimit({ store: broken, failOpen: true }), ok);
    expect(await outcome(invoke(app, closed))).toBe("unavailable:undefined");
    expect(await outcome(invoke(app, open))).toBe("ok");
  });

  it("rejects bad options when created", () => {
    expect(() => rateLimit({ limit: 0 })).toThrow(/limit/);
    expect(() => rateLimit({ limit: 2.5 })).toThrow(WegoError);
    expect(() => rateLimit({ windowMs: 0 })).toThrow(/windowMs/);
  });

  it("filters.limit(service) = response → rateLimit → the services (the seed's preset)", async () => {
    const app = newApp();
    app.handler(
      "limited",
      filters.limit((ctx: Context) => void ctx.response("hello", "world"), { limit: 1, windowMs: 60_000 }),
    );
    expect(await invoke(app, "limited")).toEqual({ hello: "world" });
    const err = await app.invoke("limited", { transport: "memory" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).code).toBe("resource_exhausted");
  });
});
