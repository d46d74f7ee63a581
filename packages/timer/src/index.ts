/**
 * @module @wego/timer — the interval-timer router: fixed-rate or fixed-delay,
 * initial delay and jitter, no overlapping runs, per-run input copies,
 * everything cleared on stop.
 */
export { type Duration, parseDuration } from "./duration.js";
export type { TimerErrorReason } from "./timer-errors.js";
export {
  createTimerRouter,
  type TimerMode,
  type TimerRouteOptions,
  type TimerRouter,
  type TimerRouterOptions,
  type TimerRouteStats,
} from "./timer-router.js";
