// The queue worker measured so that the VM's drift cancels (as bench/http/together.mjs):
// two processes at once, both pinned to CPU 0, one draining its own pre-filled queue
// through the wego router, the other through a bare BullMQ Worker (same concurrency,
// same job options, the same Redis). Both start together; over the same window of
// seconds each counts the jobs it completed and the CPU it used, so the ratio of
// jobs/s and of CPU µs per job compare the two on the same machine state.
//   pnpm -F @wego/core -F @wego/redis-queue build
//   node bench/queue/together.ts [rounds=7] [windowMs=4000]       (JOBS=100000 CONCURRENCY=50 A=wego B=bullmq)
// A and B may both be `bullmq` (an A/A run: the noise floor of the method).
// Redis is the shared server on 127.0.0.1:6379 (not pinned); each side uses its own key prefix, deleted afterwards.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createApp } from "@wego/core";
import { createQueueProducer, createQueueRouter, wegoJobDefaults } from "@wego/redis-queue";
import { Worker } from "bullmq";
import { cleanup } from "./cleanup.ts";

const url = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const connection = { url };
const N = Number(process.env.JOBS ?? 100_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const WARMUP_MS = 1500;

interface Result {
  jobs: number;
  cpuUs: number;
  ms: number;
  /** The queue ran out of jobs inside the window: the figures would be wrong (raise JOBS). */
  dry?: boolean;
}

async function worker(side: string, prefix: string, windowMs: number): Promise<void> {
  const send = (m: unknown) => process.send?.(m);
  const jobOptions = { ...wegoJobDefaults, removeOnComplete: true, removeOnFail: true };
  // Both sides' jobs are added the same way (wego's producer: the job hashes are identical).
  const producer = createQueueProducer({ connection, queue: "bench", prefix, defaultJobOptions: jobOptions });
  for (let s = 0; s < N; s += 1000) await producer.pushBulk(Array.from({ length: 1000 }, (_, k) => ({ route: "t", data: { i: s + k } })));
  await producer.close();
  send("filled");
  await new Promise((r) => process.once("message", r));
  let done = 0;
  const count = () => void done++;
  let stop: () => Promise<void>;
  if (side === "wego") {
    const app = createApp({ name: "bench", logger: false, production: true, config: { env: {}, argv: [] } });
    app.handler("t", async (ctx) => (ctx.request as { i: number }).i);
    const router = createQueueRouter({ connection, queue: "bench", prefix, concurrency: CONCURRENCY }).route("t", "t");
    app.router("queue", router);
    await app.start();
    router.worker?.on("completed", count);
    stop = () => app.stop();
  } else {
    const w = new Worker("bench", async (job) => job.data.i, { connection, prefix, concurrency: CONCURRENCY });
    w.on("completed", count);
    stop = () => w.close();
  }
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const n0 = done;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const c = process.cpuUsage(c0);
  const result: Result = { jobs: done - n0, cpuUs: c.user + c.system, ms: performance.now() - t0 };
  if (done >= N) result.dry = true;
  await stop();
  await cleanup(url, prefix);
  send(result);
}

if (process.argv[2] === "worker") {
  await worker(process.argv[3] as string, process.argv[4] as string, Number(process.argv[5]));
  process.exit(0);
} else {
  const [rounds = "7", windowMs = "4000"] = process.argv.slice(2);
  const a = process.env.A ?? "wego";
  const b = process.env.B ?? "bullmq";
  const self = fileURLToPath(import.meta.url);
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const per: Record<"a" | "b", { jps: number[]; us: number[] }> = { a: { jps: [], us: [] }, b: { jps: [], us: [] } };
  for (let round = 0; round < Number(rounds); round++) {
    const sides = round % 2 === 0 ? [a, b] : [b, a];
    const kids = sides.map((side, i) =>
      spawn("taskset", ["-c", "0", process.execPath, self, "worker", side, `wego-bench-qt-${process.pid}-${round}-${i}`, windowMs], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    const messages = kids.map((k) => {
      const got: unknown[] = [];
      const waiters: Array<(m: unknown) => void> = [];
      k.on("message", (m) => (waiters.length ? waiters.shift()?.(m) : got.push(m)));
      return () => new Promise<unknown>((r) => (got.length ? r(got.shift()) : waiters.push(r)));
    });
    await Promise.all(messages.map((next) => next())); // both filled
    for (const k of kids) k.send("go");
    const [x, y] = (await Promise.all(messages.map((next) => next()))) as [Result, Result];
    const [ra, rb] = round % 2 === 0 ? [x, y] : [y, x];
    if (ra.dry || rb.dry) throw new Error(`a worker completed all ${N} jobs before its window ended: raise JOBS (now ${N})`);
    const jps = (r: Result) => (r.jobs * 1000) / r.ms;
    const us = (r: Result) => r.cpuUs / r.jobs;
    ratios.push(jps(ra) / jps(rb));
    cpuRatios.push(us(ra) / us(rb));
    per.a.jps.push(jps(ra));
    per.a.us.push(us(ra));
    per.b.jps.push(jps(rb));
    per.b.us.push(us(rb));
    console.log(
      `round ${round} (${sides[0]} first): ${a} ${jps(ra).toFixed(0)} jobs/s ${us(ra).toFixed(1)} µs CPU/job | ` +
        `${b} ${jps(rb).toFixed(0)} jobs/s ${us(rb).toFixed(1)} µs CPU/job | jobs/s ${a} ÷ ${b} ${(jps(ra) / jps(rb)).toFixed(3)}, CPU/job ${(us(ra) / us(rb)).toFixed(3)}`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1] as number;
  const span = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
  console.log(
    `\n${a} ÷ ${b} over ${rounds} rounds of ${windowMs} ms, concurrency ${CONCURRENCY}: jobs/s median ${median(ratios).toFixed(3)} (${span(ratios)}); ` +
      `node CPU per job median ${median(cpuRatios).toFixed(3)} (${span(cpuRatios)}); ` +
      `${a} ${median(per.a.jps).toFixed(0)} jobs/s ${median(per.a.us).toFixed(1)} µs/job, ${b} ${median(per.b.jps).toFixed(0)} jobs/s ${median(per.b.us).toFixed(1)} µs/job (medians)`,
  );
}
