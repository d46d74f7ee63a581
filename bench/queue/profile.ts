// Where a processed job's CPU goes: pre-fill JOBS jobs, then drain them with
// the wego router or a bare BullMQ Worker (SIDE=wego|bullmq), one side per
// process, so `node --cpu-prof` profiles can be compared.
//   taskset -c 0 node --cpu-prof --cpu-prof-dir=/tmp/qprof bench/queue/profile.ts
import { createApp } from "@wego/core";
import { createQueueProducer, createQueueRouter } from "@wego/redis-queue";
import { Worker } from "bullmq";

const connection = { url: process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379" };
const N = Number(process.env.JOBS ?? 30_000);
const side = process.env.SIDE ?? "wego";
const prefix = `wego-prof-q-${process.pid}`;
const producer = createQueueProducer({ connection, queue: "p", prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
for (let s = 0; s < N; s += 1000) await producer.pushBulk(Array.from({ length: 1000 }, (_, k) => ({ route: "t", data: { i: s + k } })));
let done = 0;
let finish: () => Promise<void> = async () => {};
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise<void>((resolve) => {
  const count = () => {
    if (++done === N) resolve();
  };
  if (side === "wego") {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    app.handler("t", async (ctx) => (ctx.request as { i: number }).i);
    const router = createQueueRouter({ connection, queue: "p", prefix, concurrency: 50 }).route("t", "t");
    app.router("queue", router);
    void app.start().then(() => router.worker?.on("completed", count));
    finish = () => app.stop();
  } else {
    const w = new Worker("p", async (job) => job.data.i, { connection, prefix, concurrency: 50 });
    w.on("completed", count);
    finish = () => w.close();
  }
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(`${side}: ${((N * 1000) / ms).toFixed(0)} jobs/s, node CPU ${((cpu.user + cpu.system) / N).toFixed(1)} µs/job`);
await finish();
await producer.queue.obliterate({ force: true });
await producer.close();
