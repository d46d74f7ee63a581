import { defineErrors } from "@wego/core/transport";

/**
 * The cron router's errors; each reason is listed in docs/errors.md (package
 * `cron`, kept equal by cron-errors.test.ts). Late and duplicate routes fail
 * with core's `WEGO_ERR_ROUTE_LATE` / `WEGO_ERR_ROUTE_DUPLICATE`.
 */
export const cronError = defineErrors({
  WEGO_ERR_CRON_SPEC_INVALID: { code: "invalid_argument", message: 'cron route "%s": invalid spec "%s": %s' },
  WEGO_ERR_CRON_TIMEZONE_INVALID: { code: "invalid_argument", message: 'cron route "%s": unknown time zone "%s"' },
  WEGO_ERR_CRON_OPTION_INVALID: { code: "invalid_argument", message: "cron router: %s must be %s, got %s" },
  WEGO_ERR_CRON_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no cron route "%s" (known: %s)' },
  WEGO_ERR_CRON_NOT_STARTED: { code: "failed_precondition", message: 'cron router is not started: runNow("%s") needs a started app' },
});

/** The reasons {@link cronError} builds. */
export type CronErrorReason = keyof typeof cronError.table;
