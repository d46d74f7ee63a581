import { type App, createApp } from "@wego/core";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { createQueueRouter } from "./queue-router.js";
import { deletePrefix, eventually, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("once");
const N = 10_000;

describe("10,000 jobs", () => {
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop({ timeout: 2000 })));
    await deletePrefix(prefix);
  });

  it("are each processed exactly once by two competing workers", { timeout: 120_000 }, async () => {
    const runs = new Int32Array(N);
    const byWorker = [0, 0];
    for (const w of [0, 1]) {
      const app = createApp({ name: `worker-${w}`, logger: false, config: { env: {}, argv: [] } });
      app.handler("count", async (ctx) => {
        runs[(ctx.request as { i: number }).i]! += 1;
        byWorker[w]! += 1;
      });
      app.router("queue", createQueueRouter({ connection: testRedisUrl, queue: "once", prefix, concurrency: 50 }).route("count", "count"));
      apps.push(app);
    }
    await Promise.all(apps.map((a) => a.start()));
    const producer = createQueueProducer({
      connection: testRedisUrl,
      queue: "once",
      prefix,
      defaultJobOptions: { removeOnComplete: true },
    });
    for (let start = 0; start < N; start += 1000) {
      await producer.pushBulk(Array.from({ length: 1000 }, (_, k) => ({ route: "count", data: { i: start + k } })));
    }
    const total = () => byWorker[0]! + byWorker[1]!;
    expect(await eventually(() => total() >= N, 100_000, 100)).toBe(true);
    // Give a duplicate delivery, if any, the chance to show up.
    await new Promise((r) => setTimeout(r, 300));
    expect(total()).toBe(N);
    let notOnce = 0;
    for (let i = 0; i < N; i++) if (runs[i] !== 1) notOnce++;
    expect(notOnce).toBe(0);
    // Both workers took part.
    expect(byWorker[0]).toBeGreaterThan(0);
    expect(byWorker[1]).toBeGreaterThan(0);
    const counts = await producer.queue.getJobCounts("waiting", "active", "delayed", "failed");
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    await producer.close();
  });
});
