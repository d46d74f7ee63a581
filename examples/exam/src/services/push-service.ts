import { type Context, type Next, WegoError } from "@wego/core";
import type { QueueProducer } from "@wego/redis-queue";

/** The queue routes this service may push to (the queue router serves them). */
export const queueRoutes = ["exam.job", "exam.two"] as const;

/**
 * Pushes a job onto the example's queue: `{ route = "exam.job", data = {},
 * delay? }` in, the job id out. The queue router (`--server queue`) runs it,
 * in this process or any other worker of the same queue.
 */
export class PushService {
  readonly #producer: () => QueueProducer;

  /** `producer` is a getter: the producer exists once the provider registered. */
  constructor(producer: () => QueueProducer) {
    this.#producer = producer;
  }

  async handle(ctx: Context, next: Next): Promise<void> {
    const { route = "exam.job", data = {}, delay } = (ctx.request ?? {}) as { route?: unknown; data?: unknown; delay?: unknown };
    if (typeof route !== "string" || !(queueRoutes as readonly string[]).includes(route)) {
      throw new WegoError("invalid_argument", `route must be one of ${queueRoutes.join(", ")}`, { details: [{ field: "route" }] });
    }
    if (delay !== undefined && (typeof delay !== "number" || !Number.isInteger(delay) || delay < 0)) {
      throw new WegoError("invalid_argument", "delay must be a whole number of ms", { details: [{ field: "delay" }] });
    }
    const producer = this.#producer();
    const jobId = await producer.push(route, data, { requestId: ctx.id, ...(delay === undefined ? {} : { delay }) });
    ctx.response("queued", { jobId, route, queue: producer.name });
    await next();
  }
}
