import { createApp, WegoError } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing";
import { expect, it } from "vitest";
import { createQueueProducer, type QueueProducer } from "./queue-producer.js";
import { createQueueRouter, type QueueRouter } from "./queue-router.js";
import { deletePrefix, sleep, testRedisUrl, uniquePrefix } from "./test-support.js";

// A call is a push plus a wait for the job's result. A job that this worker
// won't take because it is stopping stays queued (it is not lost): the driver
// reports that as "refused" once the router stopped accepting and the job is
// still waiting.
describeRouterConformance("redis-queue", () => {
  const prefix = uniquePrefix("conf");
  const queue = "conformance";
  let router: QueueRouter | undefined;
  let producer: QueueProducer | undefined;
  return {
    transport: "queue",
    mount(app, routes) {
      router = createQueueRouter({ connection: testRedisUrl, queue, prefix, concurrency: 4 });
      for (const r of routes) router.route(r, r);
      app.router("queue", router);
    },
    async call(route, input, options) {
      producer ??= createQueueProducer({ connection: testRedisUrl, queue, prefix });
      const p = producer;
      const id = await p.push(route, input, { attempts: 1, ...(options?.requestId ? { requestId: options.requestId } : {}) });
      let settled = false;
      const refused = (async () => {
        while (!settled) {
          await sleep(25);
          if (!settled && router?.accepting === false && (await p.queue.getJobState(id)) === "waiting") return "refused" as const;
        }
        return undefined;
      })();
      try {
        const outcome = await Promise.race([p.wait(id, { timeout: 10_000 }).then((data) => ({ data })), refused]);
        if (outcome === "refused") throw new Error("refused: the worker is stopping; the job stays queued");
        return { code: "ok", data: (outcome as { data: unknown }).data };
      } catch (err) {
        if (!(err instanceof WegoError)) throw err;
        return { code: err.code, message: err.rawMessage };
      } finally {
        settled = true;
      }
    },
    async close() {
      await producer?.close();
      producer = undefined;
      await deletePrefix(prefix);
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createQueueRouter({ queue: "listing" }).route("exam.job", app.handler("job")).route("exam.two", "two").routes?.()).toEqual([
    { route: "exam.job", handler: "job" },
    { route: "exam.two", handler: "two" },
  ]);
});
