// Redis restarted under three serving instances with a queue backlog: they
// report not-ready while it is away, become ready again by themselves, keep
// answering HTTP routes that don't need Redis, and lose no queued job.
import { createQueueProducer } from "@wego/redis-queue";
import { describe, expect, it } from "vitest";
import { eventually, sleep, useCluster } from "./cluster.ts";
import { redisPings, shutdownRedis } from "./redis-server.ts";

const JOBS = 3000;
const JOB_MS = 10;
const cluster = useCluster({ area: "redis", servers: ["queue"] });

describe("Redis restarted while three instances serve", () => {
  it("they report not-ready, recover by themselves and lose no queued job", { timeout: 150_000 }, async () => {
    const { instances, sql, prefix, queue } = cluster();
    const finished = () => Number(sql("SELECT COUNT(DISTINCT job) FROM job_runs WHERE finished = 1")[0]?.[0]);
    const producer = createQueueProducer({ connection: "redis://127.0.0.1:6379", queue, prefix });
    await producer.pushBulk(Array.from({ length: JOBS }, (_, i) => ({ route: "work", data: { i, ms: JOB_MS } })));
    expect(await eventually(() => finished() >= JOBS / 5, 60_000, 100)).toBe(true);

    // Light traffic on a route that needs no Redis, to every instance, through the outage.
    const failures: string[] = [];
    let served = 0;
    let stopping = false;
    const traffic = Promise.all(
      instances.map(async (inst) => {
        while (!stopping) {
          try {
            const res = await fetch(`${inst.url}/hello`, { signal: AbortSignal.timeout(5000) });
            await res.arrayBuffer();
            if (res.status === 200) served++;
            else failures.push(`${inst.name}: ${res.status}`);
          } catch (err) {
            failures.push(`${inst.name}: ${String(err)}`);
          }
          await sleep(20);
        }
      }),
    );

    const t0 = Date.now();
    const redis = shutdownRedis();
    let outage: number;
    let notReady: boolean[];
    try {
      // Each instance says it is not ready (its Redis check fails) while Redis is away.
      notReady = await Promise.all(instances.map((inst) => eventually(async () => !(await inst.ready()), 5000, 25)));
    } finally {
      await redis.start();
      outage = Date.now() - t0;
    }
    expect(notReady).toEqual([true, true, true]);
    expect(redisPings()).toBe(true);
    const doneAtRestart = finished();
    expect(doneAtRestart).toBeLessThan(JOBS);

    // Back to ready on their own: nobody restarts them.
    const recovered = await Promise.all(instances.map((inst) => eventually(() => inst.ready(), 30_000, 50)));
    const recoveryMs = Date.now() - t0 - outage;
    expect(recovered).toEqual([true, true, true]);
    stopping = true;
    await traffic;
    expect(failures).toEqual([]);

    // Every queued job finishes; runs cut by the outage may repeat (at least once), none is lost.
    expect(await eventually(() => finished() === JOBS, 90_000, 250)).toBe(true);
    const [[distinct, lo, hi] = []] = sql("SELECT COUNT(DISTINCT job), MIN(job), MAX(job) FROM job_runs WHERE finished = 1");
    expect([Number(distinct), Number(lo), Number(hi)]).toEqual([JOBS, 0, JOBS - 1]);
    expect(await eventually(async () => (await producer.queue.getActiveCount()) === 0, 15_000)).toBe(true);
    expect(await producer.queue.getJobCounts("waiting", "active", "delayed", "failed")).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
    const repeated = Number(sql("SELECT COUNT(*) FROM (SELECT job FROM job_runs GROUP BY job HAVING COUNT(*) > 1) r")[0]?.[0]);
    await producer.close();

    // The Redis-backed features work again: the shared rate limit answers on every instance.
    for (const inst of instances) {
      const res = await fetch(`${inst.url}/limited`);
      await res.arrayBuffer();
      expect(res.status, `${inst.name} /limited`).toBe(200);
    }
    for (const inst of instances) expect(inst.running).toBe(true);
    console.info(
      `redis restart: outage ${outage} ms (all three not ready within it), ready again ${recoveryMs} ms after Redis was back; ` +
        `${JOBS} jobs all done (${doneAtRestart} before the restart, ${repeated} ran twice); ${served} HTTP calls during it, 0 failed`,
    );
  });
});
