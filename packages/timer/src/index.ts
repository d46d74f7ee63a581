/**
 * @module @wego/timer — the interval-timer router: fixed-rate or fixed-delay,
 * initial delay and jitter, no overlapping runs, per-run input copies, a run
 * on demand (`runNow`), everything cleared and drained on stop.
 */

/** Options and outcome of `runNow` (the same on every scheduling router). */
export type { RunNowOptions, RunOutcome } from "@wego/core/transport";
export { type Duration, parseDuration } from "./duration.js";
export { type TimerErrorReason, timerError } from "./timer-errors.js";
export {
  createTimerRouter,
  type TimerMode,
  type TimerRouteOptions,
  type TimerRouter,
  type TimerRouterOptions,
  type TimerRouteStats,
} from "./timer-router.js";
