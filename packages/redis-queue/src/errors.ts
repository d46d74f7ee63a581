import type { Code } from "@wego/core";
import { defineErrors } from "@wego/core/transport";

/**
 * The catalogued errors of @wego/redis-queue, each with a stable reason
 * documented in docs/errors.md (package column `redis-queue`):
 * `queueError(reason, ...args)` fills the `%s` of its message in order.
 * Late and duplicate routes are the route table's (`WEGO_ERR_ROUTE_LATE`,
 * `WEGO_ERR_ROUTE_DUPLICATE`), the same on every transport.
 *
 * @example
 * throw queueError("WEGO_ERR_QUEUE_INVALID_OPTION", "queue concurrency", "a positive integer", 0);
 */
export const queueError = defineErrors({
  WEGO_ERR_QUEUE_NO_ROUTE: { code: "unimplemented", message: 'no route "%s" on queue "%s" (routes: %s)' },
  WEGO_ERR_QUEUE_CONNECT: { code: "unavailable", message: 'queue "%s" cannot reach Redis: %s' },
  WEGO_ERR_QUEUE_WAIT_TIMEOUT: { code: "deadline_exceeded", message: 'job %s on queue "%s" did not finish within %s ms' },
  WEGO_ERR_QUEUE_INVALID_OPTION: { code: "invalid_argument", message: "%s must be %s, got %s" },
} as const satisfies Record<string, { code: Code; message: string }>);

/** The table behind {@link queueError}, for the docs test. */
export const queueCatalogue = queueError.table;

/** A reason of this package's catalogue. */
export type QueueReason = keyof typeof queueCatalogue;
