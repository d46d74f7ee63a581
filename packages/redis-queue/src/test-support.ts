// Helpers for this package's integration tests (not exported): the shared
// test Redis, a unique queue prefix per suite, and its cleanup.
import { randomBytes } from "node:crypto";
import { Job, type JobsOptions, type Queue } from "bullmq";
import { Redis } from "ioredis";

export const testRedisUrl = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A BullMQ prefix no other suite uses (keys `<prefix>:<queue>:…`). */
export function uniquePrefix(area: string): string {
  return `wego-test-q-${area}-${randomBytes(4).toString("hex")}`;
}

/** Delete every key of `prefix` (SCAN, never FLUSHDB: the Redis is shared). */
export async function deletePrefix(prefix: string): Promise<void> {
  const client = new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    await client.quit();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it returns true or `ms` pass; returns the last result. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, every = 25): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(every);
  }
}

/**
 * Add a job whose stored data is `text` exactly (BullMQ's producer would
 * JSON.stringify it): what another producer, a hand-written script or an
 * attacker can put in Redis. Resolves the job id.
 */
export async function pushRaw(queue: Queue, name: string, text: string, opts: JobsOptions = {}): Promise<string> {
  class RawJob extends Job {
    override asJSON() {
      return { ...super.asJSON(), data: text };
    }
  }
  const job = await RawJob.create(queue, name, undefined, opts);
  return job.id as string;
}
