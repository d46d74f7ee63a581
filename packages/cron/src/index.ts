/**
 * @module @wego/cron — the cron router: six-field specs with seconds (five
 * accepted), time zones, no overlapping runs, once per tick across instances
 * through a lock, and a run on demand (`runNow`).
 */

/** Options and outcome of `runNow` (the same on every scheduling router). */
export type { RunNowOptions, RunOutcome } from "@wego/core/transport";
export { type CronErrorReason, cronError } from "./cron-errors.js";
export {
  type CronRouteOptions,
  type CronRouter,
  type CronRouterOptions,
  type CronRouteStats,
  createCronRouter,
} from "./cron-router.js";
export { type CronSchedule, compileSchedule } from "./cron-schedule.js";
export { createMemoryLock } from "./memory-lock.js";
