// 10,000 queue jobs worked by three instances; one is SIGKILLed midway and
// started again. MySQL records every run (start, then finish): every job
// finishes, and only jobs the killed process held ran more than once.
//
// The kill must land mid-run, or the test proves nothing about in-flight
// jobs: every 250th job is a long one, and B is killed while it is less than
// half-way through one (its other slots may or may not be between jobs).
import { createQueueProducer } from "@wego/redis-queue";
import { describe, expect, it } from "vitest";
import { eventually, useCluster } from "./cluster.ts";

const JOBS = 10_000;
const JOB_MS = 5;
const CONCURRENCY = 10;
const LONG_EVERY = 250;
const LONG_MS = 2000;
const cluster = useCluster({ area: "queue", servers: ["queue"], config: { "cluster.concurrency": String(CONCURRENCY) } });

describe("queue jobs with a worker killed midway", () => {
  it(`completes all ${JOBS.toLocaleString("en")} jobs: none lost, none run twice but the killed worker's`, {
    timeout: 150_000,
  }, async () => {
    const { instances, sql, prefix, queue } = cluster();
    const [, victim] = instances;
    if (victim === undefined) throw new Error("no instance B");
    const finished = () => Number(sql("SELECT COUNT(DISTINCT job) FROM job_runs WHERE finished = 1")[0]?.[0]);

    const producer = createQueueProducer({ connection: "redis://127.0.0.1:6379", queue, prefix });
    const t0 = Date.now();
    for (let from = 0; from < JOBS; from += 1000) {
      await producer.pushBulk(
        Array.from({ length: 1000 }, (_, k) => ({
          route: "work",
          data: { i: from + k, ms: (from + k) % LONG_EVERY === 0 ? LONG_MS : JOB_MS },
        })),
      );
    }

    expect(await eventually(() => finished() >= JOBS / 4, 60_000, 100)).toBe(true);
    const killedPid = victim.info?.pid;
    const inLongRun = () =>
      Number(
        sql(
          `SELECT COUNT(*) FROM job_runs WHERE pid = ${killedPid} AND finished = 0 AND job % ${LONG_EVERY} = 0
             AND started_at > NOW(3) - INTERVAL ${LONG_MS / 2000} SECOND`,
        )[0]?.[0],
      ) > 0;
    expect(await eventually(inLongRun, 60_000, 50), "B never ran a long job").toBe(true);
    expect((await victim.stop("SIGKILL")).signal).toBe("SIGKILL");
    const atKill = finished();
    expect(atKill).toBeLessThan(JOBS);
    const tKill = Date.now();
    const restarted = await victim.start();
    const restartMs = Date.now() - tKill;

    expect(await eventually(() => finished() === JOBS, 120_000, 250)).toBe(true);
    const elapsed = Date.now() - t0;
    expect(await eventually(async () => (await producer.queue.getActiveCount()) === 0, 10_000)).toBe(true);
    expect(await producer.queue.getJobCounts("waiting", "active", "delayed", "failed")).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
    await producer.close();

    // Every job finished, and each is one of 0..JOBS-1.
    const [[distinct, lo, hi] = []] = sql("SELECT COUNT(DISTINCT job), MIN(job), MAX(job) FROM job_runs WHERE finished = 1");
    expect([Number(distinct), Number(lo), Number(hi)]).toEqual([JOBS, 0, JOBS - 1]);
    // Runs cut short by the kill: all on the killed process, and some (it was killed midway).
    const cut = sql("SELECT pid, COUNT(*) FROM job_runs WHERE finished = 0 GROUP BY pid");
    expect(cut.map(([pid]) => Number(pid))).toEqual([killedPid]);
    const cutRuns = Number(cut[0]?.[1]);
    expect(cutRuns).toBeGreaterThan(0);
    expect(cutRuns).toBeLessThanOrEqual(CONCURRENCY);
    // Jobs run more than once: each had a run on the killed process (retried by design, the lease lapsed), no more than it held.
    const again = sql(
      `SELECT job, COUNT(*), SUM(pid = ${killedPid}), SUM(finished) FROM job_runs GROUP BY job HAVING COUNT(*) > 1 ORDER BY job`,
    );
    for (const [job, runs, onKilled] of again) expect(Number(onKilled), `job ${job} ran ${runs} times`).toBeGreaterThanOrEqual(1);
    expect(again.length).toBeLessThanOrEqual(CONCURRENCY);
    const finishedTwice = again.filter(([, , , done]) => Number(done) > 1).length;
    // The restarted instance took work again.
    const byRestarted = Number(sql(`SELECT COUNT(*) FROM job_runs WHERE pid = ${restarted.pid} AND finished = 1`)[0]?.[0]);
    expect(byRestarted).toBeGreaterThan(0);
    const perInstance = sql("SELECT instance, COUNT(*) FROM job_runs WHERE finished = 1 GROUP BY instance");
    console.info(
      `queue: ${JOBS} jobs done in ${elapsed} ms; B killed at ${atKill} done (${cutRuns} runs cut), restarted in ${restartMs} ms and did ${byRestarted}; ` +
        `${again.length} jobs ran twice (${finishedTwice} finished twice), all from the killed worker; finished per instance ${JSON.stringify(Object.fromEntries(perInstance))}`,
    );
  });
});
