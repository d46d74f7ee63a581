import { type Catalogue, catalogueError, type WegoError } from "@wego/core";

/** Misuse of the cron router; each reason is listed in docs/errors.md (package `cron`). */
const reasons = {
  WEGO_ERR_CRON_SPEC_INVALID: { code: "invalid_argument", message: "%s" },
  WEGO_ERR_CRON_TIMEZONE_INVALID: { code: "invalid_argument", message: "%s" },
  WEGO_ERR_CRON_ROUTE_DUPLICATE: { code: "already_exists", message: "%s" },
  WEGO_ERR_CRON_OPTION_INVALID: { code: "invalid_argument", message: "%s" },
} as const satisfies Catalogue;

export type CronErrorReason = keyof typeof reasons;

export function cronError(reason: CronErrorReason, message: string, cause?: unknown): WegoError {
  return catalogueError(reasons, reason, [message], cause === undefined ? {} : { cause });
}
