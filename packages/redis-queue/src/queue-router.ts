import {
  type App,
  type Context,
  type Endpoint,
  type ResolvedHandler,
  type RouteInfo,
  type Router,
  type StopOptions,
  targetName,
  WegoError,
} from "@wego/core";
import { DelayedError, type Job, UnrecoverableError, WaitingError, Worker, type WorkerOptions } from "bullmq";
import { encodeFailure, failsAtOnce } from "./code-map.js";
import { type QueueConnection, resolveConnection } from "./connection.js";
import { queueError } from "./errors.js";
import { requestIdOption } from "./queue-producer.js";

export interface QueueRouterOptions {
  /** Redis URL, BullMQ/ioredis options or client; default config `queue.url`, `redis.url`, `redis.host`/`port`, 127.0.0.1:6379. */
  connection?: QueueConnection;
  /** Queue name; config `queue.name`, default `wego`. */
  queue?: string;
  /** Key prefix; config `queue.prefix`, default `wego`. */
  prefix?: string;
  /** Jobs run at once by this process; config `queue.concurrency`, default 1. */
  concurrency?: number;
  /** A job's lease in ms, renewed while it runs; a dead worker's jobs return to the queue after it. Default 30 000. */
  lockDuration?: number;
  /** How often stalled jobs (their worker died) are looked for, in ms; default 30 000. */
  stalledInterval?: number;
  /** Times a job may stall before it fails for good (a job that keeps killing its worker); default 1. */
  maxStalledCount?: number;
  /** Deadline of one run in ms (`ctx.signal` fires, `ctx.deadline` is set); default none. */
  jobTimeout?: number;
  /** How long start waits for Redis, in ms; default 5 000. */
  connectTimeout?: number;
  /** Any other BullMQ worker option (limiter, metrics, removeOnComplete…); the fields above win. */
  worker?: Partial<WorkerOptions>;
}

/** The seed's QueueRouter: a BullMQ worker whose job names are routes to handlers. */
export interface QueueRouter extends Router {
  /** Route jobs named `name` to a handler (name or endpoint). */
  route(name: string, target: string | Endpoint): this;
  /** The queue this router works on. */
  readonly queue: string;
  /** True between start and stop: jobs are being taken. */
  readonly accepting: boolean;
  /** The BullMQ worker while running. */
  readonly worker: Worker | undefined;
}

/** A run in flight, so a stop at its deadline can abort it and hand its job back. */
interface Active {
  ctx: Context;
  /** Settles the run's promise with {@link handedBack}. */
  cut: (() => void) | undefined;
}

const handedBack = Symbol("wego.queue.handedBack");

/**
 * A worker router on one BullMQ queue: each job's name is its route, its
 * data the request. Results are stored as the job's return value. A thrown
 * error retries with the job's backoff, except input errors (`isBadInput`)
 * which fail at once; failed jobs stay as dead letters. Jobs of a crashed
 * worker return to the queue once their lease (`lockDuration`) runs out.
 * `stop` takes no new jobs, lets running ones finish up to the deadline, and
 * puts back in the queue whatever is still running then.
 *
 * Context: `transport` "queue", `route` the job name, `id` the producer's
 * `requestId` or the job id, `meta` `{ jobId, attempt, queue }` (attempt
 * counts from 1).
 *
 * @example
 * app.router("queue", createQueueRouter({ queue: "mail", concurrency: 20 }).route("welcome", "mail.welcome"));
 */
export function createQueueRouter(options: QueueRouterOptions = {}): QueueRouter {
  const targets = new Map<string, string | Endpoint>();
  const resolved = new Map<string, ResolvedHandler>();
  const active = new Set<Active>();
  let app: App | undefined;
  let worker: Worker | undefined;
  let accepting = false;
  let queueName = options.queue ?? "wego";

  async function handBack(job: Job, token: string | undefined): Promise<never> {
    await job.moveToWait(token);
    throw new WaitingError();
  }

  async function fail(a: App, ctx: Context, job: Job, token: string | undefined, thrown: unknown): Promise<never> {
    const err = WegoError.from(thrown);
    if (err.reason === "WEGO_ERR_APP_STOPPING") return handBack(job, token);
    const attempts = job.opts.attempts ?? 1;
    const final = failsAtOnce(err.code) || job.attemptsMade + 1 >= attempts;
    const log = { err, jobId: job.id, attempt: job.attemptsMade + 1, attempts, code: err.code };
    if (final) ctx.log.error(log, "job failed");
    else ctx.log.warn(log, "job failed; will retry");
    const reason = encodeFailure(err, !a.production);
    if (failsAtOnce(err.code)) throw new UnrecoverableError(reason);
    // A "come back later" hint (rate limited upstream…) is honoured without
    // spending an attempt, but only while starts stay within the attempts.
    if (err.retryAfterMs !== undefined && err.retryAfterMs > 0 && job.attemptsStarted < attempts) {
      await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    const e = new Error(reason);
    e.stack = a.production ? reason : `${reason}\n${err.stack?.split("\n").slice(1).join("\n") ?? ""}`;
    throw e;
  }

  async function processJob(job: Job, token?: string): Promise<unknown> {
    const a = app as App;
    const route = resolved.get(job.name);
    if (route === undefined) {
      const err = queueError("WEGO_ERR_QUEUE_NO_ROUTE", job.name, queueName, [...resolved.keys()].join(", ") || "none");
      a.log.error({ jobId: job.id, route: job.name, queue: queueName }, err.rawMessage);
      throw new UnrecoverableError(encodeFailure(err, true));
    }
    // The app began stopping before this job reached us: give it back untouched.
    if (!accepting) return handBack(job, token);
    const id = job.id as string;
    const ctx = a.context({
      transport: "queue",
      route: job.name,
      handler: route.name,
      request: job.data,
      id: ((job.opts as Record<string, unknown>)[requestIdOption] as string | undefined) ?? id,
      meta: { jobId: id, attempt: String(job.attemptsMade + 1), queue: queueName },
      deadline: options.jobTimeout === undefined ? undefined : Date.now() + options.jobTimeout,
    });
    const entry: Active = { ctx, cut: undefined };
    active.add(entry);
    try {
      // Not a Promise.race against one shared stop promise: every race would
      // leave a reaction on it until the next stop (a leak per job).
      const result = await new Promise<unknown>((resolve, reject) => {
        entry.cut = () => resolve(handedBack);
        a.run(route.endpoint, ctx).then(resolve, reject);
      });
      if (result === handedBack) return handBack(job, token);
      return result;
    } catch (err) {
      return fail(a, ctx, job, token, err);
    } finally {
      active.delete(entry);
    }
  }

  const router: QueueRouter = {
    get queue() {
      return queueName;
    },
    get accepting() {
      return accepting;
    },
    get worker() {
      return worker;
    },
    route(name, target) {
      if (app !== undefined) throw queueError("WEGO_ERR_QUEUE_ROUTER_STARTED", queueName);
      if (targets.has(name)) throw queueError("WEGO_ERR_QUEUE_ROUTE_DUPLICATE", name, queueName);
      targets.set(name, target);
      return this;
    },
    routes(): RouteInfo[] {
      return [...targets].map(([route, t]) => ({ route, handler: resolved.get(route)?.name ?? targetName(t) }));
    },
    async start(a) {
      const cfg = a.config;
      queueName = options.queue ?? cfg.get("queue.name", "wego");
      const concurrency = options.concurrency ?? cfg.get("queue.concurrency", 1);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw queueError("WEGO_ERR_QUEUE_INVALID_OPTION", "queue concurrency", "a positive integer", concurrency);
      for (const [route, target] of targets) resolved.set(route, a.resolve(target, route));
      app = a;
      const w = new Worker(queueName, processJob, {
        ...options.worker,
        connection: resolveConnection(options.connection, cfg),
        prefix: options.prefix ?? cfg.get("queue.prefix", "wego"),
        concurrency,
        autorun: false,
        ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
        ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
        ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
      });
      watchWorker(a, w, queueName);
      const timeout = options.connectTimeout ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          w.waitUntilReady(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no connection within ${timeout} ms`)), timeout);
          }),
        ]);
      } catch (err) {
        await w.close(true).catch(() => {});
        throw queueError("WEGO_ERR_QUEUE_CONNECT", queueName, (err as Error).message);
      } finally {
        clearTimeout(timer);
      }
      worker = w;
      accepting = true;
      w.run().catch((err: unknown) => a.log.error({ err, queue: queueName }, "queue worker stopped with an error"));
    },
    async stop({ deadline: at, signal }: StopOptions) {
      accepting = false;
      const w = worker;
      if (w === undefined) return;
      // At the deadline: abort the runs still going and put their jobs back
      // in the queue (moveToWait), so nothing waits for a lease to expire.
      const onDeadline = (): void => {
        for (const run of active) {
          run.ctx.abort(signal.reason);
          run.cut?.();
        }
      };
      if (signal.aborted) onDeadline();
      else signal.addEventListener("abort", onDeadline, { once: true });
      // close() stops fetching and waits for the running jobs. If Redis is
      // unreachable it may not return: give up a little after the deadline;
      // the jobs' leases expire and another worker takes them back.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          w.close(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, at - Date.now()) + 2000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onDeadline);
        if (!(w as unknown as { closed: boolean }).closed) await w.disconnect().catch(() => {});
        worker = undefined;
      }
    },
  };
  return router;
}

/** Log worker errors (once per outage: BullMQ reports every reconnect attempt) and stalls. */
function watchWorker(app: App, w: Worker, queue: string): void {
  let lastError = 0;
  w.on("error", (err) => {
    const now = Date.now();
    if (now - lastError < 5000) return;
    lastError = now;
    app.log.warn({ err: err.message, queue }, "queue worker error (retrying)");
  });
  w.on("stalled", (jobId) => app.log.warn({ jobId, queue }, "stalled job returned to the queue (its worker stopped renewing the lease)"));
}
