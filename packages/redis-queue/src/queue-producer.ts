import { context as otelContext, propagation } from "@opentelemetry/api";
import { type AppView, type Context, type InputOf, type OutputOf, type Provider, WegoError } from "@wego/core";
import type { BackoffOptions, DefaultJobOptions, Job, JobsOptions, Queue, QueueEvents } from "bullmq";
import { QueueEvents as BullQueueEvents } from "bullmq";
import { decodeFailure } from "./code-map.js";
import { type QueueConnection, resolveConnection } from "./connection.js";
import { createDeadLetters, type DeadLetters } from "./dead-letters.js";
import { queueError } from "./errors.js";
import { jobMetaKeys } from "./job-meta.js";
import type { RoutesOf } from "./queue-router.js";
import { StoredJob, StoredJobQueue } from "./stored-job.js";

/** Options of one push: scheduling, retries, idempotency, and what the job carries of its caller (request id, deadline, trace). */
export interface PushOptions {
  /** Run no earlier than this many ms from now. */
  delay?: number;
  /** Total attempts (first run included); default the producer's (3). */
  attempts?: number;
  /** Wait between attempts: ms (fixed) or `{ type: "fixed" | "exponential", delay, jitter? }`; default exponential from 1 s. */
  backoff?: number | BackoffOptions;
  /** 1 (highest) … 2 097 152; jobs without a priority go first. */
  priority?: number;
  /** Makes the push idempotent: a second push with the same id is ignored while the job is kept. */
  jobId?: string;
  /** The request id the job's context carries (`ctx.id`); default `ctx.id` of the `ctx` option, else the job id. */
  requestId?: string;
  /**
   * The caller's deadline, in ms from now: a run still going then is
   * answered `deadline_exceeded` (`ctx.signal` fires), a job not started by
   * then fails without running, and it is not retried past it.
   */
  timeoutMs?: number;
  /**
   * The invocation pushing the job: the job carries its request id (unless
   * `requestId` is given) and its trace context (`traceparent`), so the job's
   * run continues the request's trace. Without it, the active OpenTelemetry
   * context is still propagated.
   */
  ctx?: Context;
}

/** Options of {@link createQueueProducer}: where the queue lives and the defaults of its jobs. */
export interface QueueProducerOptions {
  /** Redis URL, BullMQ/ioredis options or client; default config `queue.url`, `redis.url`… of `app`, else 127.0.0.1:6379. */
  connection?: QueueConnection;
  /** Queue name; default config `queue.name` of `app`, else `wego`. */
  queue?: string;
  /** Key prefix; default config `queue.prefix` of `app`, else `wego` (keys `wego:<queue>:…`). */
  prefix?: string;
  /** An app (or a handler's `ctx.app`) whose config gives the queue name, prefix and connection the options leave out. */
  app?: Pick<AppView, "config">;
  /**
   * Defaults for every job, over wego's: 3 attempts, exponential backoff from
   * 1 s, the last 1 000 completed jobs kept (so a `jobId` dedupes and results
   * can be read), failed jobs kept as dead letters.
   */
  defaultJobOptions?: DefaultJobOptions;
}

/** Route name → what it points at (a typed handler gives the route its input and output types). */
export type QueueRoutes = object;

/** The map of an untyped producer: any route, any data. */
type AnyRoute = Record<string, unknown>;

/** `data` is optional where the route's input may be undefined (untyped routes). */
type PushArgs<T, O> = undefined extends InputOf<T> ? [data?: InputOf<T>, options?: O] : [data: InputOf<T>, options?: O];

/** One job of {@link QueueProducer.pushBulk}. */
export type BulkJob<R extends QueueRoutes> = {
  [K in keyof R & string]: { route: K; options?: PushOptions } & (undefined extends InputOf<R[K]>
    ? { data?: InputOf<R[K]> }
    : { data: InputOf<R[K]> });
}[keyof R & string];

/**
 * Pushes jobs to one queue; also a Provider, so `app.provider(producer)`
 * closes it on stop. `R` maps routes to their handlers: typed, `push` checks
 * the route name and its data, and `pushAndWait` returns the handler's output.
 */
export interface QueueProducer<R extends QueueRoutes = AnyRoute> extends Provider {
  readonly name: string;
  /** The BullMQ queue, for anything not wrapped here. */
  readonly queue: Queue;
  /** Add a job for `route`; resolves its id (the existing one when `jobId` was already pushed). */
  push<K extends keyof R & string>(route: K, ...args: PushArgs<R[K], PushOptions>): Promise<string>;
  /** Add many jobs in one round trip (atomically). */
  pushBulk(jobs: ReadonlyArray<BulkJob<R>>): Promise<string[]>;
  /**
   * Push and wait for the job's result (its handler's return value). A job
   * that fails for good rejects with its WegoError (code, message, reason);
   * one not finished within `timeout` ms (default 30 000) rejects with
   * `WEGO_ERR_QUEUE_WAIT_TIMEOUT` (the job itself stays queued).
   */
  pushAndWait<K extends keyof R & string>(route: K, ...args: PushArgs<R[K], PushOptions & { timeout?: number }>): Promise<OutputOf<R[K]>>;
  /** Wait for a pushed job's result, as {@link QueueProducer.pushAndWait} does. */
  wait(jobId: string, options?: { timeout?: number }): Promise<unknown>;
  /** Failed jobs: list, count, retry, remove. */
  readonly deadLetters: DeadLetters;
  close(): Promise<void>;
}

/** wego's job defaults: 3 attempts, exponential backoff from 1 s, the last 1 000 completed jobs kept, failed jobs kept. */
export const wegoJobDefaults: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: false,
};

/** The W3C trace context to send: the active span's (through the registered propagator), else the invocation's own. */
function traceContext(ctx: Context | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  if (carrier.traceparent === undefined && ctx !== undefined) {
    const { traceparent, tracestate } = ctx.meta;
    if (typeof traceparent === "string") carrier.traceparent = traceparent;
    if (typeof tracestate === "string") carrier.tracestate = tracestate;
  }
  return carrier;
}

function toJobOptions(o: PushOptions | undefined): JobsOptions {
  // BullMQ keeps options it doesn't know as they are; the worker reads them back (job-meta.ts).
  const out: JobsOptions & Record<string, unknown> = {};
  const trace = traceContext(o?.ctx);
  if (trace.traceparent !== undefined) {
    out[jobMetaKeys.traceparent] = trace.traceparent;
    if (trace.tracestate !== undefined) out[jobMetaKeys.tracestate] = trace.tracestate;
  }
  if (o === undefined) return out;
  if (o.delay !== undefined) out.delay = o.delay;
  if (o.attempts !== undefined) out.attempts = o.attempts;
  if (o.backoff !== undefined) out.backoff = o.backoff;
  if (o.priority !== undefined) out.priority = o.priority;
  if (o.jobId !== undefined) out.jobId = o.jobId;
  const requestId = o.requestId ?? o.ctx?.id;
  if (requestId !== undefined) out[jobMetaKeys.requestId] = requestId;
  if (o.timeoutMs !== undefined) {
    if (!(o.timeoutMs > 0)) throw queueError("WEGO_ERR_QUEUE_INVALID_OPTION", "push timeoutMs", "a positive number of ms", o.timeoutMs);
    out[jobMetaKeys.deadline] = Date.now() + o.timeoutMs;
  }
  return out;
}

/**
 * A producer for one queue: `push(route, data, options)` adds a BullMQ job
 * whose name is the route and whose data is `data`, so a worker router (or
 * any BullMQ worker) picks it up. Typed with the router's route map, it
 * checks routes and data at compile time.
 *
 * @example
 * const router = createQueueRouter({ queue: "mail" }).route("welcome", welcome);
 * const producer = createQueueProducer<typeof router>({ app, queue: "mail" });
 * app.provider(producer);
 * await producer.push("welcome", { userId: 7 }, { jobId: "welcome-7", delay: 60_000, ctx });
 */
export function createQueueProducer<T extends QueueRoutes = AnyRoute>(options: QueueProducerOptions = {}): QueueProducer<RoutesOf<T>> {
  const config = options.app?.config;
  const name = options.queue ?? config?.get("queue.name", "wego") ?? "wego";
  const prefix = options.prefix ?? config?.get("queue.prefix", "wego") ?? "wego";
  const connection = resolveConnection(options.connection, config);
  const queue = new StoredJobQueue(name, {
    connection,
    prefix,
    defaultJobOptions: { ...wegoJobDefaults, ...options.defaultJobOptions },
  });
  // Errors also reject the calls that hit them; the listener keeps an outage
  // from crashing the process through an unhandled 'error' event.
  queue.on("error", () => {});
  let events: QueueEvents | undefined;
  let closed = false;

  const queueEvents = async (): Promise<QueueEvents> => {
    if (events === undefined) {
      events = new BullQueueEvents(name, { connection, prefix });
      events.on("error", () => {});
    }
    await events.waitUntilReady();
    return events;
  };

  const waitFor = async (job: Job, ev: QueueEvents, timeout = 30_000): Promise<unknown> => {
    try {
      return await job.waitUntilFinished(ev, timeout);
    } catch (err) {
      const message = (err as Error).message ?? "";
      if (message.includes("timed out before finishing")) throw queueError("WEGO_ERR_QUEUE_WAIT_TIMEOUT", job.id, name, timeout);
      throw err instanceof WegoError ? err : decodeFailure(message);
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all([queue.close(), events?.close()]);
  };

  // The typed signatures are the interface's; inside, routes and data are plain strings and values.
  const producer: QueueProducer<AnyRoute> = {
    name,
    queue,
    deadLetters: createDeadLetters(queue),
    async push(route, data, o) {
      const job = await queue.add(route, data ?? {}, toJobOptions(o));
      return job.id as string;
    },
    async pushBulk(jobs) {
      const added = await queue.addBulk(jobs.map((j) => ({ name: j.route, data: j.data ?? {}, opts: toJobOptions(j.options) })));
      return added.map((j) => j.id as string);
    },
    async pushAndWait(route, data, o = {}) {
      // Listen before pushing, so even an instant result is not missed.
      const ev = await queueEvents();
      const job = await queue.add(route, data ?? {}, toJobOptions(o));
      return waitFor(job, ev, o.timeout);
    },
    async wait(jobId, o = {}) {
      const ev = await queueEvents();
      const job = await StoredJob.fromId(queue, jobId);
      if (job === undefined) throw new WegoError("not_found", `job ${jobId} is not in queue "${name}"`);
      return waitFor(job, ev, o.timeout);
    },
    shutdown: close,
    close,
  };
  return producer as unknown as QueueProducer<RoutesOf<T>>;
}
