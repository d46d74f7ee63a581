import type { Context, Next } from "@wego/core";
import { appFor } from "./app-for.js";

/** The timer's handler: one log line per run with what the process is doing. */
export class HeartbeatService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const app = appFor(ctx);
    const beat = { uptimeSeconds: Math.round(process.uptime()), inflight: app.inflight, cacheEntries: app.cache.size };
    ctx.log.info(beat, "heartbeat");
    ctx.response("heartbeat", beat);
    await next();
  }
}
