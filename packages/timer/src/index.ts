/**
 * @module @wego/timer — the interval-timer router: fixed-rate or fixed-delay,
 * initial delay and jitter, no overlapping runs, per-run input copies, a run
 * on demand (`runNow`), everything cleared and drained on stop.
 */
export { type Duration, parseDuration } from "./duration.js";
export { type TimerErrorReason, timerError } from "./timer-errors.js";
export {
  createTimerRouter,
  type TimerMode,
  type TimerRouteOptions,
  type TimerRouter,
  type TimerRouterOptions,
  type TimerRouteStats,
  type TimerRunOptions,
  type TimerRunOutcome,
} from "./timer-router.js";
