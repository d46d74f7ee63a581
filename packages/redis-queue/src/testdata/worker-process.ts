// A queue worker process for the crash tests: started with
// `node --import ./source-hooks.mjs worker-process.ts <prefix> <queue>`.
// Each job records its index in the set `<prefix>:done` and counts its runs
// in `<prefix>:runs`, so the test can check that nothing was lost.
import { createApp } from "@wego/core";
import { Redis } from "ioredis";
import { createQueueRouter } from "../queue-router.js";

const [prefix = "wego-test", queue = "crash", jobMs = "20"] = process.argv.slice(2);
const url = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(url, { maxRetriesPerRequest: null });
redis.on("error", () => {});

const app = createApp({ name: "crash-worker", logger: false, handleSignals: true, config: { env: {}, argv: [] } });
app.handler("work", async (ctx) => {
  const { i } = ctx.request as { i: number };
  await redis.incr(`${prefix}:runs`);
  await new Promise((r) => setTimeout(r, Number(jobMs)));
  await redis.sadd(`${prefix}:done`, String(i));
  return i;
});
app.onShutdown(() => redis.quit().then(() => {}));
app.router(
  "queue",
  // Short leases so the test doesn't wait 30 s for a dead worker's jobs.
  createQueueRouter({ connection: url, queue, prefix, concurrency: 10, lockDuration: 1000, stalledInterval: 500 }).route("work", "work"),
);
await app.start();
process.stdout.write("ready\n");
