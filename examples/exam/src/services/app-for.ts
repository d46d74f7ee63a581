import { type AppView, type Context, WegoError } from "@wego/core";

/**
 * The app that runs this invocation (what the seed reached through the
 * global `wego`): its ids, cache, config and logger. Every context a router
 * builds knows its app.
 */
export function appFor(ctx: Context): AppView {
  const app = ctx.app;
  if (app === undefined) throw new WegoError("internal", "this service needs a context built by an app");
  return app;
}
