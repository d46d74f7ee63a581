import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCacheStore } from "./redis-cache-store.js";
import { deleteByPrefix, testClient, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("cache");

describe("createRedisCacheStore", () => {
  let client: Redis;
  beforeAll(() => {
    client = testClient();
  });
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    await client.quit();
  });

  it("stores, reads and deletes raw strings under its prefix", async () => {
    const store = createRedisCacheStore(client, prefix);
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", '{"a":1}', 60);
    expect(await store.get("k")).toBe('{"a":1}');
    expect(await client.get(`${prefix}k`)).toBe('{"a":1}');
    const ttl = await client.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(58_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
  });

  it("expires entries after their TTL, and keeps a TTL of 0 without expiry", async () => {
    const store = createRedisCacheStore(client, prefix);
    await store.set("short", "v", 0.1);
    expect(await store.get("short")).toBe("v");
    await new Promise((r) => setTimeout(r, 150));
    expect(await store.get("short")).toBeUndefined();
    await store.set("forever", "v", 0);
    expect(await client.pttl(`${prefix}forever`)).toBe(-1);
  });

  it("is shared between instances", async () => {
    const other = testClient();
    await createRedisCacheStore(client, prefix).set("shared", "x", 10);
    expect(await createRedisCacheStore(other, prefix).get("shared")).toBe("x");
    await other.quit();
  });
});
