import { createApp, type Endpoint, WegoError } from "@wego/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { createQueueRouter } from "./queue-router.js";
import { deletePrefix, eventually, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("producer");
const producer = createQueueProducer({ connection: testRedisUrl, queue: "deadline", prefix });
const stops: Array<() => Promise<void>> = [];

/** A worker app serving `handlers` on this file's queue. */
async function worker(handlers: Record<string, Endpoint>): Promise<void> {
  const app = createApp({ name: "deadline", logger: false, config: { env: {}, argv: [] } });
  const router = createQueueRouter({ connection: testRedisUrl, queue: "deadline", prefix });
  for (const [name, endpoint] of Object.entries(handlers)) {
    app.handler(name, endpoint);
    router.route(name, name);
  }
  app.router("queue", router);
  await app.start();
  stops.push(() => app.stop({ timeout: 2000 }));
}

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await producer.queue.obliterate({ force: true });
});
afterAll(async () => {
  await producer.close();
  await deletePrefix(prefix);
});

describe("push timeoutMs (the caller's deadline)", () => {
  it("answers a run still going at the deadline deadline_exceeded, aborts it, and does not retry it", async () => {
    let runs = 0;
    let aborted: unknown;
    await worker({
      waits: (ctx) => {
        runs++;
        return new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => {
            aborted = ctx.signal.reason;
            reject(ctx.signal.reason);
          }),
        );
      },
    });
    const started = Date.now();
    const err = await producer.pushAndWait("waits", {}, { timeoutMs: 150, attempts: 3, backoff: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect(err).toMatchObject({ code: "deadline_exceeded" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toMatchObject({ code: "deadline_exceeded" });
    expect(runs).toBe(1);
    expect(await producer.deadLetters.list()).toMatchObject([{ route: "waits", code: "deadline_exceeded", attempts: 1 }]);
  });

  it("fails a job not started by its deadline without running it", async () => {
    let runs = 0;
    await worker({
      late: async () => {
        runs++;
      },
    });
    await producer.push("late", {}, { delay: 300, timeoutMs: 100, attempts: 3 });
    expect(await eventually(async () => (await producer.deadLetters.count()) === 1, 3000)).toBe(true);
    expect(runs).toBe(0);
    expect(await producer.deadLetters.list()).toMatchObject([{ route: "late", code: "deadline_exceeded", attempts: 1 }]);
  });

  it("refuses a timeoutMs that is not a positive number of ms", async () => {
    const err = await producer.push("late", {}, { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_QUEUE_INVALID_OPTION" });
  });
});
