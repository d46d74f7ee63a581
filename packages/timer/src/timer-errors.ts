import { defineErrors } from "@wego/core/transport";

/**
 * The timer router's errors; each reason is listed in docs/errors.md
 * (package `timer`, kept equal by timer-errors.test.ts). Late and duplicate
 * routes fail with core's `WEGO_ERR_ROUTE_LATE` / `WEGO_ERR_ROUTE_DUPLICATE`.
 */
export const timerError = defineErrors({
  WEGO_ERR_TIMER_OPTION_INVALID: { code: "invalid_argument", message: 'timer "%s": %s' },
  WEGO_ERR_TIMER_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no timer "%s" (known: %s)' },
  WEGO_ERR_TIMER_NOT_STARTED: { code: "failed_precondition", message: 'timer router is not started: runNow("%s") needs a started app' },
});

/** The reasons {@link timerError} builds. */
export type TimerErrorReason = keyof typeof timerError.table;
