import type { AppView } from "./app-view.js";
import type { Context } from "./context.js";

/** What `ctx` may use of the app that built it (forks of parallel branches included), or undefined for a context built by hand. */
export function appOf(ctx: Context): AppView | undefined {
  return ctx.app;
}
