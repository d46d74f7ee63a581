import type { App, RouteInfo, Router, StopOptions, WegoError } from "@wego/core";
import { type Answer, createDispatcher, createRouteTable, type Dispatcher, type Invocation, type RouteTarget } from "@wego/core/transport";
import { DelayedError, type Job, UnrecoverableError, WaitingError, type Worker, type WorkerOptions } from "bullmq";
import { encodeFailure, queueCodes } from "./code-map.js";
import { type QueueConnection, resolveConnection } from "./connection.js";
import { queueError } from "./errors.js";
import { deadlineOf, metaOf, requestIdOf } from "./job-meta.js";
import { dataErrorOf, QueueWorker } from "./queue-worker.js";

/** Options of {@link createQueueRouter}; the config keys named below fill what they leave out. */
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

declare const routesType: unique symbol;

/**
 * The seed's QueueRouter: a BullMQ worker whose job names are routes to
 * handlers. `R` maps each route to what it points at, so a producer can be
 * typed from the router (`createQueueProducer<typeof router>()`).
 */
export interface QueueRouter<R extends object = Record<never, never>> extends Router {
  /**
   * Route jobs named `name` to a handler name, a typed handler
   * (`defineHandler`) or an endpoint. Before start only: later throws
   * `WEGO_ERR_ROUTE_LATE`; a name twice throws `WEGO_ERR_ROUTE_DUPLICATE`.
   */
  route<K extends string, T extends RouteTarget>(name: K, target: T): QueueRouter<R & { [P in K]: T }>;
  /** The queue this router works on (config `queue.name` once started). */
  readonly queue: string;
  /** True between start and stop: jobs are being taken. */
  readonly accepting: boolean;
  /** The BullMQ worker while running. */
  readonly worker: Worker | undefined;
  /** Type-level only: the route map, for typed producers. */
  readonly [routesType]?: R;
}

/** The route map of a queue router type (`RoutesOf<typeof router>`), or the map itself. */
export type RoutesOf<T> = T extends QueueRouter<infer R> ? R : T;

const STOPPING = new Set(["WEGO_ERR_APP_STOPPING", "WEGO_ERR_SHUTDOWN_DEADLINE"]);

/**
 * A worker router on one BullMQ queue: each job's name is its route, its
 * data the request, decoded with wego's input hygiene (not JSON, too large,
 * too deep, `__proto__` keys: failed at once with `invalid_argument`).
 * Results are stored as the job's return value. A failure retries with the
 * job's backoff, except input errors (`queueCodes.toWire(e) === "fail"`)
 * and runs past the caller's deadline, which fail at once; failed jobs stay
 * as dead letters. Jobs of a crashed worker return to the queue once their
 * lease (`lockDuration`) runs out. `stop` takes no new jobs, lets running
 * ones finish up to the deadline, and puts back in the queue whatever is
 * still running then.
 *
 * Context: `transport` "queue", `route` the job name, `id` the producer's
 * `requestId` or the job id (under the request-id rule), `deadline` the
 * job's (`timeoutMs` at push) or `jobTimeout`'s, whichever comes first,
 * `meta` `{ jobId, attempt, queue, traceparent?, tracestate? }` (attempt
 * counts from 1; the trace context is the pushing request's, so
 * `filters.tracing` continues its trace).
 *
 * @example
 * app.router("queue", createQueueRouter({ queue: "mail", concurrency: 20 }).route("welcome", welcome));
 */
export function createQueueRouter(options: QueueRouterOptions = {}): QueueRouter {
  const table = createRouteTable("queue");
  let dispatcher: Dispatcher | undefined;
  let worker: Worker | undefined;
  let expose = true;
  let queueName = options.queue ?? "wego";

  async function handBack(job: Job, token: string | undefined): Promise<never> {
    await job.moveToWait(token);
    throw new WaitingError();
  }

  /** What the queue does with a failed run: hand back, fail at once, wait for a hint, or retry. */
  async function failed(job: Job, token: string | undefined, err: WegoError, deadline: number | undefined): Promise<never> {
    if (err.reason !== undefined && STOPPING.has(err.reason)) return handBack(job, token);
    const reason = encodeFailure(err, expose);
    // Past the caller's deadline a retry can only fail again.
    if (queueCodes.toWire(err) === "fail" || (deadline !== undefined && Date.now() >= deadline)) throw new UnrecoverableError(reason);
    const attempts = job.opts.attempts ?? 1;
    // A "come back later" hint (rate limited upstream…) is honoured without
    // spending an attempt, but only while starts stay within the attempts.
    if (err.retryAfterMs !== undefined && err.retryAfterMs > 0 && job.attemptsStarted < attempts) {
      await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    // BullMQ stores this error's stack with the job: the original's, unless in production.
    const e = new Error(reason);
    e.stack = expose ? `${reason}\n${err.stack?.split("\n").slice(1).join("\n") ?? ""}` : reason;
    throw e;
  }

  function processJob(job: Job, token?: string): Promise<unknown> {
    const d = dispatcher as Dispatcher;
    // The app began stopping before this job reached us: give it back untouched.
    if (d.closed) return handBack(job, token);
    const deadline = deadlineOf(job);
    const runDeadline = options.jobTimeout === undefined ? deadline : Math.min(deadline ?? Infinity, Date.now() + options.jobTimeout);
    const inv: Invocation = { request: job.data, meta: metaOf(job, queueName), id: requestIdOf(job), deadline: runDeadline, checked: true };
    return new Promise<unknown>((resolve, reject) => {
      const answer: Answer = (_ctx, error, result) => {
        if (error === undefined) resolve(result);
        else failed(job, token, error, deadline).catch(reject);
      };
      const entry = table.get(job.name);
      const bad = dataErrorOf(job);
      if (entry === undefined) {
        const known = table.entries().map((e) => e.key);
        d.refuse(job.name, inv, queueError("WEGO_ERR_QUEUE_NO_ROUTE", job.name, queueName, known.join(", ") || "none"), answer);
      } else if (bad !== undefined) d.refuse(job.name, inv, bad, answer);
      else d.dispatch(entry, inv, answer);
    });
  }

  const router: QueueRouter = {
    get queue() {
      return queueName;
    },
    get accepting() {
      return worker !== undefined && dispatcher?.closed === false;
    },
    get worker() {
      return worker;
    },
    route(name, target) {
      table.add(name, target, undefined);
      return router as never;
    },
    routes(): RouteInfo[] {
      return table.routes();
    },
    async start(app: App) {
      const cfg = app.config;
      queueName = options.queue ?? cfg.get("queue.name", "wego");
      const concurrency = options.concurrency ?? cfg.get("queue.concurrency", 1);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw queueError("WEGO_ERR_QUEUE_INVALID_OPTION", "queue concurrency", "a positive integer", concurrency);
      table.start(app);
      const d = createDispatcher(app, { transport: "queue", refusals: "warn" });
      expose = !app.production;
      const w = new QueueWorker(
        queueName,
        processJob,
        {
          ...options.worker,
          connection: resolveConnection(options.connection, cfg),
          prefix: options.prefix ?? cfg.get("queue.prefix", "wego"),
          concurrency,
          autorun: false,
          ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
          ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
          ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
        },
        d.limits,
      );
      watchWorker(app, w, queueName);
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
      dispatcher = d;
      worker = w;
      w.run().catch((err: unknown) => app.log.error({ err, queue: queueName }, "queue worker stopped with an error"));
    },
    async stop({ deadline: at, signal }: StopOptions) {
      const w = worker;
      const d = dispatcher;
      if (w === undefined || d === undefined) return;
      // Jobs fetched from now on go back to the queue untouched; the worker
      // stops fetching (close) and waits for the running jobs; the drain lets
      // them finish up to the deadline, then answers what is left
      // `unavailable` (WEGO_ERR_SHUTDOWN_DEADLINE), which hands its job back
      // to the queue (moveToWait): nothing waits for a lease to expire.
      d.close();
      // If Redis is unreachable close() may not return: give up a little
      // after the deadline; the jobs' leases expire and another worker takes them back.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all([w.close(), d.drain(signal)]),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, at - Date.now()) + 2000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
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
