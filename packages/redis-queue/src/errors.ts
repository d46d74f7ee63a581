import { type Code, catalogueError, type WegoError } from "@wego/core";

/**
 * Misuse and queue-level errors of @wego/redis-queue, each with a stable
 * reason documented in docs/errors.md (package column `redis-queue`).
 */
export const queueCatalogue = {
  WEGO_ERR_QUEUE_NO_ROUTE: { code: "unimplemented", message: 'no route "%s" on queue "%s" (routes: %s)' },
  WEGO_ERR_QUEUE_ROUTE_DUPLICATE: { code: "already_exists", message: 'route "%s" is already registered on queue "%s"' },
  WEGO_ERR_QUEUE_CONNECT: { code: "unavailable", message: 'queue "%s" cannot reach Redis: %s' },
  WEGO_ERR_QUEUE_WAIT_TIMEOUT: { code: "deadline_exceeded", message: 'job %s on queue "%s" did not finish within %s ms' },
  WEGO_ERR_QUEUE_INVALID_OPTION: { code: "invalid_argument", message: "%s must be %s, got %s" },
  WEGO_ERR_QUEUE_ROUTER_STARTED: { code: "failed_precondition", message: 'routes of queue "%s" can only be added before start' },
} as const satisfies Record<string, { code: Code; message: string }>;

export type QueueReason = keyof typeof queueCatalogue;

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export function queueError(reason: QueueReason, ...args: unknown[]): WegoError {
  return catalogueError(queueCatalogue, reason, args);
}
