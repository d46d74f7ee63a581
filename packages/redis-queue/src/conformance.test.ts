import { createApp, WegoError } from "@wego/core";
import { type ConformanceReply, describeRouterConformance } from "@wego/core/testing/conformance";
import { expect, it } from "vitest";
import { createQueueProducer, type QueueProducer } from "./queue-producer.js";
import { createQueueRouter, type QueueRouter } from "./queue-router.js";
import { deletePrefix, pushRaw, sleep, testRedisUrl, uniquePrefix } from "./test-support.js";

// A call is a push plus a wait for the job's result: the request id and the
// deadline travel as push options (`requestId`, `timeoutMs`), raw input as
// the job's stored data text. The queue has no envelope: the reply's code,
// message and reason come from the failed job (`[code:REASON] message`);
// details and the request id are not carried back. A job that this worker
// won't take or finish because it is stopping goes back to the queue (it is
// not lost): the driver answers that as `unavailable` once the router
// stopped accepting and the job is waiting again.
describeRouterConformance("redis-queue", () => {
  const prefix = uniquePrefix("conf");
  const queue = "conformance";
  let router: QueueRouter | undefined;
  let producer: QueueProducer | undefined;

  async function outcome(p: QueueProducer, id: string): Promise<ConformanceReply> {
    let settled = false;
    const handedBack = (async () => {
      while (!settled) {
        await sleep(25);
        if (!settled && router?.accepting === false && (await p.queue.getJobState(id)) === "waiting") return "handed back" as const;
      }
      return undefined;
    })();
    try {
      const done = await Promise.race([p.wait(id, { timeout: 10_000 }).then((data) => ({ data })), handedBack]);
      if (done === "handed back") return { code: "unavailable", message: "the worker stopped; the job is queued again" };
      return { code: "ok", data: (done as { data: unknown }).data };
    } catch (err) {
      if (!(err instanceof WegoError)) throw err;
      return { code: err.code, message: err.rawMessage, ...(err.reason === undefined ? {} : { reason: err.reason }) };
    } finally {
      settled = true;
    }
  }

  const producerFor = (): QueueProducer => {
    producer ??= createQueueProducer({ connection: testRedisUrl, queue, prefix });
    return producer;
  };

  return {
    transport: "queue",
    mount(app, routes) {
      router = createQueueRouter({ connection: testRedisUrl, queue, prefix, concurrency: 4 });
      for (const r of routes) router.route(r, r);
      app.router("queue", router);
    },
    register(route, target) {
      router?.route(route, target);
    },
    async call(route, input, options = {}) {
      const p = producerFor();
      const { requestId, timeoutMs } = options;
      const id = await p.push(route, input, {
        attempts: 1,
        ...(requestId === undefined ? {} : { requestId }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      return outcome(p, id);
    },
    async callRaw(route, json) {
      const p = producerFor();
      return outcome(p, await pushRaw(p.queue, route, json, { attempts: 1 }));
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
