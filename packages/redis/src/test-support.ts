// Helpers for this package's integration tests (not exported): a client on
// the shared test Redis and a per-suite key prefix removed afterwards.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const testRedisUrl = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A unique prefix per suite, so parallel suites sharing one Redis never meet. */
export function uniquePrefix(area: string): string {
  return `wego-test:${area}:${randomBytes(4).toString("hex")}:`;
}

export function testClient(): Redis {
  return new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
}

/** Delete every key under `prefix` (SCAN, never KEYS, and never FLUSHDB: the Redis is shared). */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== "0");
}
