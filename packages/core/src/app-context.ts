import type { App } from "./app.js";
import type { Context } from "./context.js";

/** The app that built `ctx` (forks of parallel branches included), or undefined for a context built by hand. */
export function appOf(ctx: Context): App | undefined {
  return ctx.app;
}
