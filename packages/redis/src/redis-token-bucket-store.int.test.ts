import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisTokenBucketStore } from "./redis-token-bucket-store.js";
import { deleteByPrefix, testClient, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("bucket");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createRedisTokenBucketStore", () => {
  let clients: Redis[];
  beforeAll(() => {
    clients = [testClient(), testClient(), testClient()];
  });
  afterAll(async () => {
    await deleteByPrefix(clients[0] as Redis, prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("shares one bucket across instances: the burst, then refusals with the wait for the next token", async () => {
    const stores = clients.map((c) => createRedisTokenBucketStore(c, prefix));
    const waits = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (stores[i % 3] as ReturnType<typeof createRedisTokenBucketStore>).take("api", 1, 10)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    for (const w of waits.filter((x) => x !== 0)) {
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThanOrEqual(1000);
    }
  });

  it("refills at the rate", async () => {
    const store = createRedisTokenBucketStore(clients[0] as Redis, prefix);
    expect(await store.take("refill", 20, 1)).toBe(0);
    expect(await store.take("refill", 20, 1)).toBeGreaterThan(0);
    await sleep(60);
    expect(await store.take("refill", 20, 1)).toBe(0);
  });

  it("rate 0 answers Infinity once the burst is spent (no division by zero)", async () => {
    const store = createRedisTokenBucketStore(clients[0] as Redis, prefix);
    expect(await store.take("closed", 0, 1)).toBe(0);
    expect(await store.take("closed", 0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(await store.take("shut", 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
