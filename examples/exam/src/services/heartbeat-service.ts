import type { App, Context, Next } from "@wego/core";

/**
 * The timer's handler: one log line per run with what the process is doing.
 * It is given the app itself (an invocation sees only its `AppView`, which
 * has no in-flight count: that is the app's lifecycle, not a handler's).
 */
export class HeartbeatService {
  readonly #app: App;

  constructor(app: App) {
    this.#app = app;
  }

  async handle(ctx: Context, next: Next): Promise<void> {
    const app = this.#app;
    const beat = { uptimeSeconds: Math.round(process.uptime()), inflight: app.inflight, cacheEntries: app.cache.size };
    ctx.log.info(beat, "heartbeat");
    ctx.response("heartbeat", beat);
    await next();
  }
}
