import { describe, expect, it } from "vitest";
import { WegoError } from "../errors/wego-error.js";
import type { CacheStore } from "../ports.js";
import { createCache } from "./cache.js";

/** A shared tier in memory, on the test's clock: what @wego/redis does with SET PX / GET / DEL. */
function memoryStore(clock: { t: number }) {
  const data = new Map<string, { text: string; until: number }>();
  const calls: string[] = [];
  const store: CacheStore & { data: typeof data; calls: string[]; fail: boolean } = {
    data,
    calls,
    fail: false,
    async get(key) {
      calls.push(`get ${key}`);
      if (store.fail) throw new Error("connection refused");
      const e = data.get(key);
      return e && (e.until === 0 || e.until > clock.t) ? e.text : undefined;
    },
    async set(key, text, ttlSeconds) {
      calls.push(`set ${key} ${ttlSeconds}`);
      if (store.fail) throw new Error("connection refused");
      data.set(key, { text, until: ttlSeconds === 0 ? 0 : clock.t + ttlSeconds * 1000 });
    },
    async delete(key) {
      calls.push(`del ${key}`);
      if (store.fail) throw new Error("connection refused");
      data.delete(key);
    },
  };
  return store;
}

describe("createCache", () => {
  it("get / set / has / delete", async () => {
    const cache = createCache();
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.has("a")).toBe(false);
    await cache.set("a", { n: 1 });
    await cache.set("s", "text");
    await cache.set("n", 42);
    await cache.set("z", null);
    expect(await cache.get("a")).toEqual({ n: 1 });
    expect(await cache.get("s")).toBe("text");
    expect(await cache.get("n")).toBe(42);
    expect(await cache.get("z")).toBeNull();
    expect(await cache.has("z")).toBe(true);
    await cache.delete("a");
    expect(await cache.has("a")).toBe(false);
    expect(cache.size).toBe(3);
    await cache.set("s", undefined);
    expect(await cache.has("s")).toBe(false);
  });

  it("stores JSON copies: neither the setter nor a getter can change what is cached", async () => {
    const cache = createCache();
    const user = { name: "ann", roles: ["admin"], at: new Date(0) };
    await cache.set("u", user);
    user.roles.push("root");
    const got = await cache.get<{ roles: string[]; at: unknown }>("u");
    expect(got).toEqual({ name: "ann", roles: ["admin"], at: "1970-01-01T00:00:00.000Z" });
    got?.roles.push("mutated");
    expect(await cache.get("u")).toEqual({ name: "ann", roles: ["admin"], at: "1970-01-01T00:00:00.000Z" });
    expect(await cache.get("u")).not.toBe(await cache.get("u"));
  });

  it("refuses values that are not JSON", async () => {
    const cache = createCache();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [10n, () => 1, Symbol("x"), cyclic, { big: 1n }]) {
      const err = await cache.set("bad", bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WegoError);
      expect((err as WegoError).reason).toBe("WEGO_ERR_CACHE_VALUE");
    }
    expect(cache.size).toBe(0);
    await expect(cache.set("t", 1, -5)).rejects.toThrow(/ttl/);
  });

  it("expires entries after their TTL", async () => {
    const clock = { t: 1_000 };
    const cache = createCache({ now: () => clock.t });
    await cache.set("short", "x", 2);
    await cache.set("long", "y", 60);
    await cache.set("forever", "z");
    clock.t += 1_999;
    expect(await cache.get("short")).toBe("x");
    clock.t += 2;
    expect(await cache.get("short")).toBeUndefined();
    expect(await cache.has("short")).toBe(false);
    clock.t += 60_000;
    expect(await cache.get("long")).toBeUndefined();
    expect(await cache.get("forever")).toBe("z");
  });

  it("keeps within its byte budget, evicting the least recently used", async () => {
    const cache = createCache({ maxBytes: 10_000 });
    const value = "v".repeat(900); // ~ 1 KB per entry with key and overhead
    for (let i = 0; i < 9; i++) await cache.set(`k${i}`, value);
    expect(await cache.get("k0")).toBe(value); // k0 is now the most recently used
    for (let i = 9; i < 30; i++) await cache.set(`k${i}`, value);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeGreaterThanOrEqual(9);
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(await cache.has("k29")).toBe(true);
    expect(await cache.has("k1")).toBe(false);
    // A value larger than the whole budget is not kept at all.
    await cache.set("huge", "h".repeat(20_000));
    expect(await cache.has("huge")).toBe(false);
  });

  it("getOrCompute: concurrent callers share one computation and each gets a copy", async () => {
    const cache = createCache();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const compute = async () => {
      calls++;
      await gate;
      return { rows: [1, 2, 3] };
    };
    const waiting = Array.from({ length: 50 }, () => cache.getOrCompute("q", 30, compute));
    release();
    const results = await Promise.all(waiting);
    expect(calls).toBe(1);
    for (const r of results) expect(r).toEqual({ rows: [1, 2, 3] });
    expect(results[0]).not.toBe(results[1]);
    results[0]?.rows.push(4);
    expect(await cache.get("q")).toEqual({ rows: [1, 2, 3] });
    expect(await cache.getOrCompute("q", 30, compute)).toEqual({ rows: [1, 2, 3] });
    expect(calls).toBe(1);
  });

  it("getOrCompute: a failure reaches every waiter, caches nothing, and the next call computes again", async () => {
    const cache = createCache();
    let calls = 0;
    const failing = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      throw new WegoError("unavailable", "db down");
    };
    const settled = await Promise.allSettled([1, 2, 3].map(() => cache.getOrCompute("k", 10, failing)));
    expect(calls).toBe(1);
    for (const s of settled) expect(s.status === "rejected" && (s.reason as WegoError).code).toBe("unavailable");
    expect(await cache.has("k")).toBe(false);
    expect(await cache.getOrCompute("k", 10, () => "ok")).toBe("ok");
    expect(calls).toBe(1);
    // undefined results are handed back but not cached
    expect(await cache.getOrCompute("u", 10, () => undefined)).toBeUndefined();
    expect(await cache.has("u")).toBe(false);
  });

  it("shared tier: writes through, reads through, bounds local staleness", async () => {
    const clock = { t: 1_000 };
    const store = memoryStore(clock);
    const a = createCache({ store, now: () => clock.t, localTtlSeconds: 2 });
    const b = createCache({ store, now: () => clock.t, localTtlSeconds: 2 });
    await a.set("user:1", { name: "ann" }, 60);
    expect(store.calls).toContain("set wego:cache:user:1 60");
    expect(await b.get("user:1")).toEqual({ name: "ann" });
    await a.set("user:1", { name: "bob" }, 60);
    // b still holds its local copy, for at most localTtlSeconds
    expect(await b.get("user:1")).toEqual({ name: "ann" });
    clock.t += 2_001;
    expect(await b.get("user:1")).toEqual({ name: "bob" });
    await b.delete("user:1");
    expect(store.data.has("wego:cache:user:1")).toBe(false);
    expect(await b.has("user:1")).toBe(false);
    // a value in the shared tier spares the computation
    await a.set("report", [1, 2], 0);
    expect(store.calls).toContain("set wego:cache:report 0");
    let computed = 0;
    expect(
      await b.getOrCompute("report", 60, () => {
        computed++;
        return [9];
      }),
    ).toEqual([1, 2]);
    expect(computed).toBe(0);
  });

  it("shared tier failures surface as unavailable and leave no local copy behind", async () => {
    const clock = { t: 1_000 };
    const store = memoryStore(clock);
    const cache = createCache({ store, now: () => clock.t });
    store.fail = true;
    const err = await cache.set("k", 1, 10).catch((e: unknown) => e);
    expect((err as WegoError).code).toBe("unavailable");
    expect(cache.size).toBe(0);
    await expect(cache.get("k")).rejects.toThrow(/cache store get failed: connection refused/);
    await expect(cache.delete("k")).rejects.toThrow(WegoError);
  });
});
