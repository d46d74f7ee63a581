/**
 * @module @wego/cron — the cron router: six-field specs with seconds (five
 * accepted), time zones, no overlapping runs, once per tick across instances
 * through a lock.
 */
export type { CronErrorReason } from "./cron-errors.js";
export {
  type CronRouteOptions,
  type CronRouter,
  type CronRouterOptions,
  type CronRouteStats,
  createCronRouter,
} from "./cron-router.js";
export { type CronSchedule, compileSchedule } from "./cron-schedule.js";
export { createMemoryLock } from "./memory-lock.js";
