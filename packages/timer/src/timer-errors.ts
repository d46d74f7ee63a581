import { type Catalogue, catalogueError, type WegoError } from "@wego/core";

/** Misuse of the timer router; each reason is listed in docs/errors.md (package `timer`). */
const reasons = {
  WEGO_ERR_TIMER_OPTION_INVALID: { code: "invalid_argument", message: "%s" },
  WEGO_ERR_TIMER_ROUTE_DUPLICATE: { code: "already_exists", message: "%s" },
} as const satisfies Catalogue;

export type TimerErrorReason = keyof typeof reasons;

export function timerError(reason: TimerErrorReason, message: string, cause?: unknown): WegoError {
  return catalogueError(reasons, reason, [message], cause === undefined ? {} : { cause });
}
