// A route limited to N calls per second, served by three instances that count
// in one Redis sliding window: the limit holds for the three together.
import { createHttpClient } from "@wego/http";
import { describe, expect, it } from "vitest";
import { useCluster } from "./cluster.ts";

const LIMIT = 50; // per second, cluster-wide
const RUN_MS = 5000;
const CONCURRENCY = 8;
const cluster = useCluster({ area: "limit", servers: [], config: { "cluster.limit": String(LIMIT) } });

describe("a rate limit shared by three instances", () => {
  it(`admits at most ${LIMIT} calls per second across the three`, { timeout: 60_000 }, async () => {
    const { instances } = cluster();
    // Round-robin over the three; no retries (a 429 is the answer under test).
    const client = createHttpClient({ baseUrls: instances.map((i) => i.url), retries: 0 });
    const admitted = new Map<string, number>();
    const refused = new Map<string, number>();
    const other: string[] = [];
    let retryAfterSeen = 0;
    const start = Date.now();
    const until = start + RUN_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          const res = await client.request<{ data?: { instance: string } }>({ path: "/limited" });
          if (res.status === 200) {
            const who = res.body.data?.instance ?? "?";
            admitted.set(who, (admitted.get(who) ?? 0) + 1);
          } else if (res.status === 429) {
            refused.set(res.baseUrl, (refused.get(res.baseUrl) ?? 0) + 1);
            if (Number(res.headers["retry-after"]) > 0) retryAfterSeen++;
          } else other.push(`${res.status} from ${res.baseUrl}`);
        }
      }),
    );
    const end = Date.now();
    await client.close();

    const total = [...admitted.values()].reduce((a, b) => a + b, 0);
    const refusedTotal = [...refused.values()].reduce((a, b) => a + b, 0);
    // Every admitted call fell inside [start, end]; any 1 s window holds at most LIMIT of them.
    const windows = Math.ceil((end - start + 1) / 1000);
    expect(other).toEqual([]);
    expect(total).toBeLessThanOrEqual(LIMIT * windows);
    // The limit was the bottleneck (a limit per instance would have admitted about three times as many).
    expect(total).toBeGreaterThanOrEqual(LIMIT * (Math.floor(RUN_MS / 1000) - 1));
    expect(refusedTotal).toBeGreaterThan(total);
    expect(retryAfterSeen).toBe(refusedTotal);
    // All three admitted and all three refused: one budget, spent together.
    for (const inst of instances) {
      expect(admitted.get(inst.name) ?? 0, `admitted by ${inst.name}`).toBeGreaterThan(0);
      expect(refused.get(inst.url) ?? 0, `refused by ${inst.name}`).toBeGreaterThan(0);
    }
    console.info(
      `rate limit: ${total} admitted in ${end - start} ms (cap ${LIMIT * windows}), ${refusedTotal} refused with Retry-After; admitted per instance ${JSON.stringify(Object.fromEntries(admitted))}`,
    );
  });
});
