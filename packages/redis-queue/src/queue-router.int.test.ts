import { type App, type Context, createApp, type Endpoint, WegoError } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { createQueueProducer, type QueueProducer } from "./queue-producer.js";
import { createQueueRouter, type QueueRouter, type QueueRouterOptions } from "./queue-router.js";
import { deletePrefix, eventually, sleep, testRedisUrl, uniquePrefix } from "./test-support.js";

interface Rig {
  app: App;
  router: QueueRouter;
  producer: QueueProducer;
  prefix: string;
}

const rigs: Rig[] = [];
const prefixes = new Set<string>();

/** An app with a queue router on a fresh prefix and a producer for it. */
async function rig(
  handlers: Record<string, Endpoint>,
  options: QueueRouterOptions & { start?: boolean; production?: boolean } = {},
): Promise<Rig> {
  const prefix = options.prefix ?? uniquePrefix("router");
  prefixes.add(prefix);
  const app = createApp({ name: "queue-test", logger: false, production: options.production ?? false, config: { env: {}, argv: [] } });
  const router = createQueueRouter({ connection: testRedisUrl, queue: "jobs", concurrency: 4, ...options, prefix });
  for (const [name, endpoint] of Object.entries(handlers)) {
    app.handler(name, endpoint);
    router.route(name, name);
  }
  app.router("queue", router);
  const producer = createQueueProducer({ connection: testRedisUrl, queue: "jobs", prefix });
  const r = { app, router, producer, prefix };
  rigs.push(r);
  if (options.start !== false) await app.start();
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.app.stop({ timeout: 2000 });
    await r.producer.close();
  }
  for (const p of prefixes) await deletePrefix(p);
  prefixes.clear();
});

describe("queue router", () => {
  it("routes a job by name to its handler with the context a job needs", async () => {
    let seen: Context | undefined;
    const { producer } = await rig({
      "mail.welcome": async (ctx) => {
        seen = ctx;
        return { sent: (ctx.request as { to: string }).to };
      },
    });
    const result = await producer.pushAndWait("mail.welcome", { to: "a@b.c" }, { requestId: "req-9" });
    expect(result).toEqual({ sent: "a@b.c" });
    expect(seen?.transport).toBe("queue");
    expect(seen?.route).toBe("mail.welcome");
    expect(seen?.handler).toBe("mail.welcome");
    expect(seen?.id).toBe("req-9");
    expect(seen?.meta).toMatchObject({ queue: "jobs", attempt: "1" });
    expect(typeof seen?.meta.jobId).toBe("string");
    // Without a request id, the job id is the invocation id.
    const id = await producer.push("mail.welcome", { to: "x@y.z" });
    await producer.wait(id);
    expect(seen?.id).toBe(id);
    expect(seen?.meta.jobId).toBe(id);
  });

  it("lists its routes", async () => {
    const { router } = await rig({ a: async () => 1, b: async () => 2 }, { start: false });
    expect(router.routes?.()).toEqual([
      { route: "a", handler: "a" },
      { route: "b", handler: "b" },
    ]);
    expect(() => router.route("a", "a")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
  });

  it("retries a failing job with backoff, counting attempts, until it succeeds", async () => {
    const runs: Array<{ attempt: string | string[] | undefined; at: number }> = [];
    const { producer } = await rig({
      flaky: async (ctx) => {
        runs.push({ attempt: ctx.meta.attempt, at: Date.now() });
        if (runs.length < 3) throw new WegoError("unavailable", "downstream is down");
        return "done";
      },
    });
    const result = await producer.pushAndWait("flaky", {}, { attempts: 5, backoff: { type: "fixed", delay: 200 } });
    expect(result).toBe("done");
    expect(runs.map((r) => r.attempt)).toEqual(["1", "2", "3"]);
    // Each retry waited for the backoff.
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(180);
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(180);
    expect(await producer.deadLetters.count()).toBe(0);
  });

  it("fails bad input at once, and keeps failed jobs as dead letters that can be retried", async () => {
    let invalidRuns = 0;
    let crashRuns = 0;
    let heal = false;
    const { producer } = await rig({
      invalid: async () => {
        invalidRuns++;
        throw new WegoError("invalid_argument", "email is required", { reason: "NO_EMAIL" });
      },
      crash: async () => {
        crashRuns++;
        if (heal) return "healed";
        throw new Error("boom");
      },
    });
    const bad = await producer.pushAndWait("invalid", { n: 1 }, { attempts: 5, backoff: 10 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WegoError);
    expect(bad).toMatchObject({ code: "invalid_argument", reason: "NO_EMAIL", rawMessage: "email is required" });
    expect(invalidRuns).toBe(1);

    const crashed = await producer.pushAndWait("crash", { n: 2 }, { attempts: 2, backoff: 10, jobId: "crash-1" }).catch((e: unknown) => e);
    expect(crashed).toMatchObject({ code: "internal", rawMessage: "boom" });
    expect(crashRuns).toBe(2);

    expect(await producer.deadLetters.count()).toBe(2);
    const letters = await producer.deadLetters.list();
    expect(letters.map((l) => l.route).sort()).toEqual(["crash", "invalid"]);
    const crashLetter = letters.find((l) => l.route === "crash")!;
    expect(crashLetter).toMatchObject({ id: "crash-1", data: { n: 2 }, code: "internal", message: "boom", attempts: 2 });
    expect(crashLetter.failedAt).toBeGreaterThan(0);
    expect(letters.find((l) => l.route === "invalid")).toMatchObject({ code: "invalid_argument", reason: "NO_EMAIL", attempts: 1 });

    heal = true;
    expect(await producer.deadLetters.retry("crash-1")).toBe(true);
    expect(await producer.wait("crash-1")).toBe("healed");
    expect(await producer.deadLetters.retry("crash-1")).toBe(false);
    expect(await producer.deadLetters.count()).toBe(1);
    const invalidId = letters.find((l) => l.route === "invalid")!.id;
    expect(await producer.deadLetters.remove(invalidId)).toBe(true);
    expect(await producer.deadLetters.count()).toBe(0);
  });

  it("retries every dead letter at once", async () => {
    let fail = true;
    let runs = 0;
    const { producer } = await rig({
      job: async () => {
        runs++;
        if (fail) throw new WegoError("unavailable", "not yet");
        return "ok";
      },
    });
    const ids = await producer.pushBulk([1, 2, 3].map((n) => ({ route: "job", data: { n }, options: { attempts: 1 } })));
    expect(await eventually(async () => (await producer.deadLetters.count()) === 3)).toBe(true);
    fail = false;
    expect(await producer.deadLetters.retryAll()).toBe(3);
    expect(await Promise.all(ids.map((id) => producer.wait(id)))).toEqual(["ok", "ok", "ok"]);
    expect(runs).toBe(6);
    expect(await producer.deadLetters.count()).toBe(0);
  });

  it("hides internal messages in production but keeps the code", async () => {
    const { producer } = await rig({ crash: async () => Promise.reject(new Error("db password hunter2")) }, { production: true });
    const err = await producer.pushAndWait("crash", {}, { attempts: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "internal" });
    expect((err as WegoError).message).not.toContain("hunter2");
    const [letter] = await producer.deadLetters.list();
    expect(letter?.message).not.toContain("hunter2");
  });

  it("sends a job whose route is unknown straight to the dead letters", async () => {
    const { producer } = await rig({ known: async () => 1 });
    const err = await producer.pushAndWait("unknown.route", {}, { attempts: 5 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_QUEUE_NO_ROUTE" });
    const [letter] = await producer.deadLetters.list();
    expect(letter).toMatchObject({ route: "unknown.route", attempts: 1 });
    // And the worker keeps serving.
    expect(await producer.pushAndWait("known")).toBe(1);
  });

  it("runs delayed jobs on time, not before", async () => {
    const ranAt = new Map<number, number>();
    const { producer } = await rig({
      later: async (ctx) => {
        ranAt.set((ctx.request as { n: number }).n, Date.now());
      },
    });
    const pushedAt = Date.now();
    await producer.push("later", { n: 1 }, { delay: 700 });
    await producer.push("later", { n: 2 });
    expect(await eventually(() => ranAt.size === 2, 5000)).toBe(true);
    expect(ranAt.get(2)! - pushedAt).toBeLessThan(500);
    expect(ranAt.get(1)! - pushedAt).toBeGreaterThanOrEqual(690);
    expect(ranAt.get(1)! - pushedAt).toBeLessThan(2500);
  });

  it("ignores a second push with the same job id", async () => {
    let runs = 0;
    const { producer } = await rig({
      once: async (ctx) => {
        runs++;
        return ctx.request;
      },
    });
    const first = await producer.push("once", { v: 1 }, { jobId: "order-42" });
    const second = await producer.push("once", { v: 2 }, { jobId: "order-42" });
    expect(second).toBe(first);
    expect(await producer.wait("order-42")).toEqual({ v: 1 });
    // Still deduplicated once completed (the job is kept).
    await producer.push("once", { v: 3 }, { jobId: "order-42" });
    await sleep(200);
    expect(runs).toBe(1);
  });

  it("honours a retry-after hint without spending the attempts", async () => {
    const runs: number[] = [];
    const { producer } = await rig({
      limited: async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw new WegoError("resource_exhausted", "slow down", { retryAfterMs: 400 });
        return "through";
      },
    });
    expect(await producer.pushAndWait("limited", {}, { attempts: 2, backoff: 10 })).toBe("through");
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(380);
  });

  it("sets the job deadline on the context", async () => {
    const { producer } = await rig(
      {
        slow: async (ctx) => {
          await new Promise((resolve, reject) => {
            const t = setTimeout(resolve, 2000);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(t);
              reject(ctx.signal.reason);
            });
          });
        },
      },
      { jobTimeout: 100 },
    );
    const err = await producer.pushAndWait("slow", {}, { attempts: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "deadline_exceeded" });
  });

  it("fails at start when Redis can't be reached", async () => {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    app.handler("a", async () => 1);
    app.router(
      "queue",
      createQueueRouter({ connection: { host: "127.0.0.1", port: 1, retryStrategy: () => 500 }, connectTimeout: 300 }).route("a", "a"),
    );
    const err = await app.start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unavailable" });
    expect(String((err as WegoError).message)).toMatch(/WEGO_ERR_QUEUE_CONNECT|cannot reach Redis/);
    expect(app.state).toBe("stopped");
  });

  it("reads queue name, prefix and concurrency from config, and so does a producer given the app", async () => {
    const prefix = uniquePrefix("config");
    prefixes.add(prefix);
    const app = createApp({
      logger: false,
      config: {
        env: { WEGO_QUEUE_NAME: "cfg", WEGO_QUEUE_PREFIX: prefix, WEGO_QUEUE_CONCURRENCY: "3", WEGO_REDIS_URL: testRedisUrl },
        argv: [],
      },
    });
    let inFlight = 0;
    let peak = 0;
    app.handler("work", async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(50);
      inFlight--;
    });
    const router = createQueueRouter().route("work", "work");
    app.router("queue", router);
    await app.start();
    // The producer reads the same keys when given the app.
    const producer = createQueueProducer({ app });
    rigs.push({ app, router, producer, prefix });
    expect(router.queue).toBe("cfg");
    expect(producer.name).toBe("cfg");
    const ids = await producer.pushBulk(Array.from({ length: 9 }, () => ({ route: "work" })));
    await Promise.all(ids.map((id) => producer.wait(id)));
    expect(peak).toBe(3);
  });
});

describe("graceful stop", () => {
  it("lets running jobs finish before the deadline", async () => {
    let finished = 0;
    const { app, producer } = await rig({
      work: async () => {
        await sleep(300);
        finished++;
      },
    });
    const ids = await producer.pushBulk([1, 2, 3].map(() => ({ route: "work" })));
    expect(await eventually(async () => (await producer.queue.getActiveCount()) === 3)).toBe(true);
    await app.stop({ timeout: 5000 });
    expect(finished).toBe(3);
    for (const id of ids) expect(await producer.queue.getJobState(id)).toBe("completed");
  });

  it("returns what is still running at the deadline to the queue, and another worker finishes it", async () => {
    const prefix = uniquePrefix("handback");
    let aborted = 0;
    const stubborn: Endpoint = async (ctx) => {
      ctx.signal.addEventListener("abort", () => aborted++);
      // Ignores the abort: only the hand-back can free the job.
      await sleep(3000);
    };
    const first = await rig({ work: stubborn }, { prefix, concurrency: 2 });
    const ids = await first.producer.pushBulk([1, 2].map((n) => ({ route: "work", data: { n } })));
    expect(await eventually(async () => (await first.producer.queue.getActiveCount()) === 2)).toBe(true);
    const t0 = Date.now();
    await first.app.stop({ timeout: 300 });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(aborted).toBe(2);
    for (const id of ids) expect(await first.producer.queue.getJobState(id)).toBe("waiting");

    const done: number[] = [];
    const second = await rig(
      {
        work: async (ctx) => {
          done.push((ctx.request as { n: number }).n);
        },
      },
      { prefix, concurrency: 2 },
    );
    await Promise.all(ids.map((id) => second.producer.wait(id)));
    expect(done.sort()).toEqual([1, 2]);
    expect(await second.producer.deadLetters.count()).toBe(0);
  });

  it("takes no job once stopped, leaving it queued", async () => {
    const { app, producer } = await rig({ work: async () => "x" });
    await app.stop();
    const id = await producer.push("work");
    await sleep(200);
    expect(await producer.queue.getJobState(id)).toBe("waiting");
  });
});
