// 1,000,000 snowflake ids from three instances whose worker ids are leased
// from Redis (no `id.workerId` configured anywhere): all unique.
import { createRedisClient } from "@wego/redis";
import { describe, expect, it } from "vitest";
import { useCluster } from "./cluster.ts";

const cluster = useCluster({ area: "ids", servers: [] });
const TOTAL = 1_000_000;
const PER_REQUEST = 50_000;

interface Batch {
  instance: string;
  workerId: number;
  ids: string;
}

describe("snowflake ids across three instances", () => {
  it(`${TOTAL.toLocaleString("en")} ids generated concurrently are all unique`, { timeout: 90_000 }, async () => {
    const { instances, prefix } = cluster();
    const requests = TOTAL / PER_REQUEST;
    const t0 = performance.now();
    // Each instance works through its share of the requests while the others do theirs.
    const perInstance = await Promise.all(
      instances.map(async (inst, k) => {
        const out: Batch[] = [];
        for (let r = k; r < requests; r += instances.length) {
          const res = await fetch(`${inst.url}/ids?n=${PER_REQUEST}`);
          expect(res.status).toBe(200);
          out.push(((await res.json()) as { data: Batch }).data);
        }
        return out;
      }),
    );
    const elapsed = performance.now() - t0;

    const all = new BigUint64Array(TOTAL);
    let n = 0;
    const msOf = new Map<string, Set<bigint>>(); // instance → ms timestamps it issued ids in
    const leased = new Map<string, number>();
    for (const batch of perInstance.flat()) {
      leased.set(batch.instance, batch.workerId);
      const stamps = msOf.get(batch.instance) ?? new Set<bigint>();
      msOf.set(batch.instance, stamps);
      for (const s of batch.ids.split(",")) {
        const id = BigInt(s);
        // Every id carries the worker id its instance leased.
        if (Number((id >> 12n) & 1023n) !== batch.workerId) throw new Error(`id ${s} from ${batch.instance} has another worker id`);
        stamps.add(id >> 22n);
        all[n++] = id;
      }
    }
    expect(n).toBe(TOTAL);
    all.sort();
    let duplicates = 0;
    for (let i = 1; i < TOTAL; i++) if (all[i] === all[i - 1]) duplicates++;
    expect(duplicates).toBe(0);

    // Three different worker ids, each held as a lease in Redis by its instance.
    const workerIds = [...leased.values()];
    expect(leased.size).toBe(3);
    expect(new Set(workerIds).size).toBe(3);
    const redis = createRedisClient("redis://127.0.0.1:6379", {});
    try {
      for (const id of workerIds) expect(await redis.exists(`${prefix}:worker-id:${id}`)).toBe(1);
    } finally {
      await redis.quit();
    }
    // The instances issued ids in the same milliseconds: only the worker ids kept them apart.
    const [sa, sb, sc] = [...msOf.values()];
    const shared = [...(sa ?? [])].filter((ms) => sb?.has(ms) || sc?.has(ms)).length;
    expect(shared).toBeGreaterThan(0);
    console.info(
      `ids: ${TOTAL} unique in ${elapsed.toFixed(0)} ms, worker ids ${JSON.stringify(Object.fromEntries(leased))}, ${shared} ms shared between instances`,
    );
  });
});
