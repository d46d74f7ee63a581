import { type Provider, WegoError } from "@wego/core";
import { type BackoffOptions, type DefaultJobOptions, Job, type JobsOptions, Queue, QueueEvents } from "bullmq";
import { decodeFailure } from "./code-map.js";
import { type QueueConnection, resolveConnection } from "./connection.js";
import { createDeadLetters, type DeadLetters } from "./dead-letters.js";
import { queueError } from "./errors.js";

/** Where a wego producer stores the caller's request id among the job options. */
export const requestIdOption = "wegoRequestId";

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
  /** The request id the job's context carries (`ctx.id`); default the job id. */
  requestId?: string;
}

export interface QueueProducerOptions {
  /** Redis URL, BullMQ/ioredis options or client; default 127.0.0.1:6379. */
  connection?: QueueConnection;
  /** Queue name; default `wego`. */
  queue?: string;
  /** Key prefix; default `wego` (keys `wego:<queue>:…`). */
  prefix?: string;
  /**
   * Defaults for every job, over wego's: 3 attempts, exponential backoff from
   * 1 s, the last 1 000 completed jobs kept (so a `jobId` dedupes and results
   * can be read), failed jobs kept as dead letters.
   */
  defaultJobOptions?: DefaultJobOptions;
}

/** Pushes jobs to one queue; also a Provider, so `app.provider(producer)` closes it on stop. */
export interface QueueProducer extends Provider {
  readonly name: string;
  /** The BullMQ queue, for anything not wrapped here. */
  readonly queue: Queue;
  /** Add a job for `route`; resolves its id (the existing one when `jobId` was already pushed). */
  push(route: string, data?: unknown, options?: PushOptions): Promise<string>;
  /** Add many jobs in one round trip (atomically). */
  pushBulk(jobs: ReadonlyArray<{ route: string; data?: unknown; options?: PushOptions }>): Promise<string[]>;
  /**
   * Push and wait for the job's result (its handler's return value). A job
   * that fails for good rejects with its WegoError (code, message, reason);
   * one not finished within `timeout` ms (default 30 000) rejects with
   * `WEGO_ERR_QUEUE_WAIT_TIMEOUT` (the job itself stays queued).
   */
  pushAndWait(route: string, data?: unknown, options?: PushOptions & { timeout?: number }): Promise<unknown>;
  /** Wait for a pushed job's result, as {@link QueueProducer.pushAndWait} does. */
  wait(jobId: string, options?: { timeout?: number }): Promise<unknown>;
  /** Failed jobs: list, count, retry, remove. */
  readonly deadLetters: DeadLetters;
  close(): Promise<void>;
}

export const wegoJobDefaults: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: false,
};

function toJobOptions(o: PushOptions | undefined): JobsOptions | undefined {
  if (o === undefined) return undefined;
  const out: JobsOptions & { [requestIdOption]?: string } = {};
  if (o.delay !== undefined) out.delay = o.delay;
  if (o.attempts !== undefined) out.attempts = o.attempts;
  if (o.backoff !== undefined) out.backoff = o.backoff;
  if (o.priority !== undefined) out.priority = o.priority;
  if (o.jobId !== undefined) out.jobId = o.jobId;
  // BullMQ keeps unknown job options as they are; the worker reads it back.
  if (o.requestId !== undefined) out[requestIdOption] = o.requestId;
  return out;
}

/**
 * A producer for one queue: `push(route, data, options)` adds a BullMQ job
 * whose name is the route and whose data is `data`, so a worker router (or
 * any BullMQ worker) picks it up.
 *
 * @example
 * const producer = createQueueProducer({ queue: "mail" });
 * app.provider(producer);
 * await producer.push("welcome", { userId: 7 }, { jobId: `welcome-7`, delay: 60_000 });
 */
export function createQueueProducer(options: QueueProducerOptions = {}): QueueProducer {
  const name = options.queue ?? "wego";
  const prefix = options.prefix ?? "wego";
  const connection = resolveConnection(options.connection);
  const queue = new Queue(name, {
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
      events = new QueueEvents(name, { connection, prefix });
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

  return {
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
      const job = await Job.fromId(queue, jobId);
      if (job === undefined) throw new WegoError("not_found", `job ${jobId} is not in queue "${name}"`);
      return waitFor(job, ev, o.timeout);
    },
    shutdown: close,
    close,
  };
}
