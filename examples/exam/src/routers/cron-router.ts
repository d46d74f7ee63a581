import type { App } from "@wego/core";
import { type CronRouter, createCronRouter } from "@wego/cron";
import { createRedisLock, redis } from "@wego/redis";
import type { BootStrap } from "../providers/boot-strap.js";

/**
 * The seed's CronRouter: six fields, seconds first. With Redis, each tick
 * runs on one instance of the cluster (a lock per tick); without it, on
 * every instance. Time zone: config `cron.timezone`, default UTC.
 */
export function cronRouter(app: App, boot: BootStrap): CronRouter {
  const lock = boot.up("redis") ? { lock: (a: App) => createRedisLock(redis(a)) } : {};
  return createCronRouter(lock).route("*/5 * * * * *", app.handler("one")).route("*/2 * * * * *", app.handler("two"));
}
