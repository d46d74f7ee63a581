import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisLimiterStore } from "./redis-limiter-store.js";
import { deleteByPrefix, testClient, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("limit");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(["sliding", "fixed"] as const)("createRedisLimiterStore (%s)", (algorithm) => {
  let clients: Redis[];
  beforeAll(() => {
    clients = [testClient(), testClient(), testClient()];
  });
  afterAll(async () => {
    await deleteByPrefix(clients[0]!, prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("allows exactly `limit` hits per window across instances", async () => {
    const stores = clients.map((c) => createRedisLimiterStore(c, `${prefix}${algorithm}:`, { algorithm }));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 3]!.hit("user:1", 10, 2000)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    // Each allowed hit saw a distinct remaining count: 9…0.
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of results.filter((x) => !x.allowed)) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(2000);
    }
    // Another key has its own budget.
    expect((await stores[0]!.hit("user:2", 10, 2000)).allowed).toBe(true);
  });

  it("lets hits in again once the window has passed", async () => {
    const store = createRedisLimiterStore(clients[0]!, `${prefix}${algorithm}:`, { algorithm });
    expect((await store.hit("burst", 2, 200)).allowed).toBe(true);
    expect((await store.hit("burst", 2, 200)).allowed).toBe(true);
    const refused = await store.hit("burst", 2, 200);
    expect(refused.allowed).toBe(false);
    await sleep(refused.retryAfterMs + 20);
    expect((await store.hit("burst", 2, 200)).allowed).toBe(true);
    // Keys do not outlive their window.
    expect(await clients[0]!.pttl(`${prefix}${algorithm}:burst`)).toBeLessThanOrEqual(200);
  });

  it("rejects a limit or window that is not a positive integer", async () => {
    const store = createRedisLimiterStore(clients[0]!, prefix, { algorithm });
    await expect(store.hit("k", 0, 1000)).rejects.toMatchObject({ reason: "WEGO_ERR_REDIS_INVALID_OPTION" });
    await expect(store.hit("k", 1, -5)).rejects.toMatchObject({ reason: "WEGO_ERR_REDIS_INVALID_OPTION" });
  });
});

describe("sliding window", () => {
  it("counts the last windowMs, not calendar windows", async () => {
    const client = testClient();
    const store = createRedisLimiterStore(client, `${prefix}roll:`);
    expect((await store.hit("k", 2, 400)).allowed).toBe(true);
    await sleep(250);
    expect((await store.hit("k", 2, 400)).allowed).toBe(true);
    // 2 hits in the last 400 ms: refused until the first one (≈150 ms from now) leaves.
    const refused = await store.hit("k", 2, 400);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(50);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(160);
    await sleep(refused.retryAfterMs + 20);
    expect((await store.hit("k", 2, 400)).allowed).toBe(true);
    expect((await store.hit("k", 2, 400)).allowed).toBe(false);
    await deleteByPrefix(client, prefix);
    await client.quit();
  });
});
