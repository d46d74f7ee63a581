import type { CacheStore } from "@wego/core";
import type { Redis } from "ioredis";

/**
 * The shared tier of the core cache: raw strings under `prefix + key` with a
 * TTL (`PX`, so fractional seconds keep their precision). A TTL of 0 or less
 * stores without expiry.
 *
 * @example
 * createCache({ store: createRedisCacheStore(redis(app), "app:cache:") })
 */
export function createRedisCacheStore(client: Redis, prefix = "wego:cache:"): CacheStore {
  return {
    async get(key) {
      const v = await client.get(prefix + key);
      return v === null ? undefined : v;
    },
    async set(key, value, ttlSeconds) {
      const ms = Math.round(ttlSeconds * 1000);
      if (ms > 0) await client.set(prefix + key, value, "PX", ms);
      else await client.set(prefix + key, value);
    },
    async delete(key) {
      await client.del(prefix + key);
    },
  };
}
