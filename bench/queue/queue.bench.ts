// Jobs per second through wego's queue producer and worker router against
// bare BullMQ (Queue.addBulk / Queue.add / Worker) at the same concurrency,
// with identical job options, alternated in one run.
//   pnpm -F @wego/core -F @wego/redis-queue build
//   taskset -c 0 node bench/queue/queue.bench.ts        (JOBS=20000 ROUNDS=7 CONCURRENCY=50; bench/queue/together.ts is the steadier figure)
// Redis is the shared server on 127.0.0.1:6379 (not pinned); each run uses its
// own key prefix and deletes it afterwards.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createApp } from "@wego/core";
import { createQueueProducer, createQueueRouter, wegoJobDefaults } from "@wego/redis-queue";
import { Queue, Worker } from "bullmq";
import { cleanup as cleanupKeys } from "./cleanup.ts";

const url = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const connection = { url };
const N = Number(process.env.JOBS ?? 20_000);
const SINGLE = Math.floor(N / 4);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const CHUNK = 1000;
// The same options on both sides: wego's defaults (attempts, backoff) with
// completed jobs removed, as in the perf anchor.
const jobOptions = { ...wegoJobDefaults, removeOnComplete: true, removeOnFail: true };

const redisPid = Number(/process_id:(\d+)/.exec(execFileSync("redis-cli", ["-u", url, "info", "server"], { encoding: "utf8" }))?.[1]);
const tick = 100; // USER_HZ: /proc CPU times are in 1/100 s
function redisCpuMs(): number {
  const fields = readFileSync(`/proc/${redisPid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
}
function nodeCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Sample {
  jobsPerSec: number;
  nodeUsPerJob: number;
  redisUsPerJob: number;
  /** p99 of one add call in ms (one-by-one adds only). */
  p99Ms?: number;
}

async function measure(jobs: number, fn: () => Promise<void>): Promise<Sample> {
  const c0 = nodeCpuMs();
  const r0 = redisCpuMs();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return {
    jobsPerSec: (jobs * 1000) / ms,
    nodeUsPerJob: ((nodeCpuMs() - c0) * 1000) / jobs,
    redisUsPerJob: ((redisCpuMs() - r0) * 1000) / jobs,
  };
}

const cleanup = (prefix: string) => cleanupKeys(url, prefix);

let seq = 0;
const nextPrefix = () => `wego-bench-q-${process.pid}-${seq++}`;
const data = (i: number) => ({ i });

/** One side: bulk add N, process N, then single add SINGLE with 50 in flight. */
interface Side {
  name: string;
  run(prefix: string): Promise<{ add: Sample; process: Sample; single: Sample }>;
}

const bare: Side = {
  name: "bullmq",
  async run(prefix) {
    const queue = new Queue("bench", { connection, prefix, defaultJobOptions: jobOptions });
    await queue.waitUntilReady();
    const add = await measure(N, async () => {
      for (let s = 0; s < N; s += CHUNK)
        await queue.addBulk(Array.from({ length: Math.min(CHUNK, N - s) }, (_, k) => ({ name: "t", data: data(s + k) })));
    });
    let done = 0;
    let worker: Worker | undefined;
    const process = await measure(N, async () => {
      await new Promise<void>((resolve) => {
        worker = new Worker("bench", async (job) => job.data.i, { connection, prefix, concurrency: CONCURRENCY });
        worker.on("completed", () => {
          if (++done === N) resolve();
        });
      });
    });
    await worker?.close();
    const single = await measure(SINGLE, () => inFlight(SINGLE, (i) => queue.add("t", data(i)).then(() => {})));
    single.p99Ms = p99();
    await queue.close();
    return { add, process, single };
  },
};

const wego: Side = {
  name: "wego",
  async run(prefix) {
    const producer = createQueueProducer({ connection, queue: "bench", prefix, defaultJobOptions: jobOptions });
    await producer.queue.waitUntilReady();
    const add = await measure(N, async () => {
      for (let s = 0; s < N; s += CHUNK)
        await producer.pushBulk(Array.from({ length: Math.min(CHUNK, N - s) }, (_, k) => ({ route: "t", data: data(s + k) })));
    });
    const app = createApp({ name: "bench", logger: false, config: { env: {}, argv: [] } });
    app.handler("t", async (ctx) => (ctx.request as { i: number }).i);
    const router = createQueueRouter({ connection, queue: "bench", prefix, concurrency: CONCURRENCY }).route("t", "t");
    app.router("queue", router);
    let done = 0;
    const process = await measure(N, async () => {
      await app.start();
      await new Promise<void>((resolve) => {
        router.worker?.on("completed", () => {
          if (++done === N) resolve();
        });
      });
    });
    await app.stop();
    const single = await measure(SINGLE, () => inFlight(SINGLE, (i) => producer.push("t", data(i)).then(() => {})));
    single.p99Ms = p99();
    await producer.close();
    return { add, process, single };
  },
};

/** Run `fn(0…n-1)` keeping 50 calls in flight; records each call's latency. */
let latencies: number[] = [];
async function inFlight(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const t = performance.now();
      await fn(next++);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: 50 }, lane));
}
const p99 = () => [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)] ?? 0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const k = (n: number) => `${(n / 1000).toFixed(1)}k`;
const f1 = (n: number) => n.toFixed(1);

type Phase = "add" | "process" | "single";
const results: Record<string, Record<Phase, Sample[]>> = {
  wego: { add: [], process: [], single: [] },
  bullmq: { add: [], process: [], single: [] },
};
const ratios: Record<Phase, number[]> = { add: [], process: [], single: [] };
// Node CPU per job, bare ÷ wego: above 1 means wego spends less.
const cpuRatios: Record<Phase, number[]> = { add: [], process: [], single: [] };

// Warm-up (JIT, connections), discarded.
for (const side of [bare, wego]) {
  const p = nextPrefix();
  await side.run(p);
  await cleanup(p);
}
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? [wego, bare] : [bare, wego];
  const got: Record<string, { add: Sample; process: Sample; single: Sample }> = {};
  for (const side of order) {
    const p = nextPrefix();
    got[side.name] = await side.run(p);
    await cleanup(p);
    for (const phase of ["add", "process", "single"] as const) results[side.name]![phase].push(got[side.name]![phase]);
  }
  for (const phase of ["add", "process", "single"] as const) {
    ratios[phase].push(got.wego![phase].jobsPerSec / got.bullmq![phase].jobsPerSec);
    cpuRatios[phase].push(got.bullmq![phase].nodeUsPerJob / got.wego![phase].nodeUsPerJob);
  }
  console.error(
    `round ${round}: ` +
      (["add", "process", "single"] as const)
        .map((ph) => `${ph} wego ${k(got.wego![ph].jobsPerSec)} / bullmq ${k(got.bullmq![ph].jobsPerSec)}`)
        .join(", "),
  );
}

const lines = [
  `${N} tiny jobs, concurrency ${CONCURRENCY}, addBulk chunks of ${CHUNK}, single adds: ${SINGLE} with 50 in flight; ${ROUNDS} rounds (order alternated), node ${process.version}`,
  "",
  "| phase | side | jobs/s (median) | × bullmq jobs/s | node CPU µs/job | × bullmq CPU (bare ÷ wego) | redis CPU µs/job | p99 ms | runs (jobs/s) |",
  "|---|---|---:|---:|---:|---:|---:|---:|---|",
];
const label = { add: "add (addBulk ×1000)", process: "process (c=50)", single: "add (one by one)" } as const;
for (const phase of ["add", "process", "single"] as const) {
  for (const side of ["bullmq", "wego"]) {
    const s = results[side]![phase];
    const mine = side === "wego";
    lines.push(
      `| ${label[phase]} | ${side} | ${k(median(s.map((x) => x.jobsPerSec)))} | ${mine ? median(ratios[phase]).toFixed(2) : "1.00"} | ${f1(
        median(s.map((x) => x.nodeUsPerJob)),
      )} | ${mine ? median(cpuRatios[phase]).toFixed(2) : "1.00"} | ${f1(median(s.map((x) => x.redisUsPerJob)))} | ${
        phase === "single" ? f1(median(s.map((x) => x.p99Ms ?? 0))) : "–"
      } | ${s.map((x) => k(x.jobsPerSec)).join(", ")} |`,
    );
  }
}
console.log(lines.join("\n"));
