import type { App, Router } from "@wego/core";
import { createQueueRouter } from "@wego/redis-queue";
import type { BootStrap } from "../providers/boot-strap.js";

/**
 * The seed's QueueRouter: a BullMQ worker on the queue `queue.name`
 * (default `exam`, key prefix `queue.prefix`, default `wego`); a job's name
 * is its route. Needs Redis: without it the router is off.
 */
export function queueRouter(app: App, boot: BootStrap): Router {
  return boot.router("redis", "queue", () =>
    createQueueRouter().route("exam.job", app.handler("job")).route("exam.two", app.handler("two")),
  );
}
