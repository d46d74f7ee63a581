import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";

export interface BulkheadOptions {
  /** Invocations running at once. */
  maxConcurrent: number;
  /** Invocations waiting for a slot; past it calls fail at once. Default 0. */
  maxQueue?: number;
  /** Longest wait in the queue, in ms; default: until a slot frees or the call is aborted. */
  queueTimeoutMs?: number;
}

interface Waiter {
  start(): void;
}

/**
 * Cap concurrent invocations of the endpoint at `maxConcurrent`, with a
 * bounded FIFO wait queue. A full bulkhead fails with `resource_exhausted`;
 * a waiter gives up with `deadline_exceeded` after `queueTimeoutMs`, or with
 * the context's abort reason when it is aborted while waiting.
 *
 * @example
 * filters.chain(filters.response(), filters.bulkhead({ maxConcurrent: 8, maxQueue: 32 }), endpoint)
 */
export function bulkhead(options: BulkheadOptions): Filter {
  const max = options.maxConcurrent;
  const maxQueue = options.maxQueue ?? 0;
  const queueTimeoutMs = options.queueTimeoutMs;
  if (!Number.isInteger(max) || max < 1)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.bulkhead maxConcurrent", "must be an integer ≥ 1");
  if (!Number.isInteger(maxQueue) || maxQueue < 0)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.bulkhead maxQueue", "must be an integer ≥ 0");
  let active = 0;
  // A Set keeps insertion order (FIFO) and removes a cancelled waiter in O(1).
  const queue = new Set<Waiter>();

  /** A finished call hands its slot straight to the oldest waiter. */
  const release = (): void => {
    const first = queue.values().next();
    if (first.done) active--;
    else {
      queue.delete(first.value);
      first.value.start();
    }
  };

  return (next) => {
    async function run(ctx: Parameters<typeof next>[0]): Promise<unknown> {
      try {
        return await next(ctx);
      } finally {
        release();
      }
    }
    return function bulkheadFilter(ctx) {
      if (active < max) {
        active++;
        return run(ctx);
      }
      if (queue.size >= maxQueue) {
        return Promise.reject(
          new WegoError("resource_exhausted", "too many concurrent calls", { details: { maxConcurrent: max, maxQueue } }),
        );
      }
      return new Promise((resolve, reject) => {
        const signal = ctx.signal;
        let timer: NodeJS.Timeout | undefined;
        const leave = (err: unknown): void => {
          if (!queue.delete(waiter)) return;
          if (timer !== undefined) clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          reject(err);
        };
        const onAbort = (): void => leave(signal.reason);
        const waiter: Waiter = {
          start() {
            if (timer !== undefined) clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            run(ctx).then(resolve, reject);
          },
        };
        if (signal.aborted) return reject(signal.reason);
        queue.add(waiter);
        signal.addEventListener("abort", onAbort, { once: true });
        if (queueTimeoutMs !== undefined) {
          timer = setTimeout(() => leave(new WegoError("deadline_exceeded", "timed out waiting for a free slot")), queueTimeoutMs);
        }
      });
    };
  };
}
