import type { App } from "../app.js";
import type { Context, InvocationInit } from "../context.js";
import type { Endpoint } from "../filter.js";
import type { ResolvedHandler } from "../handler-registry.js";

/** What the transport SPI needs of an app beyond its public face. */
export interface AppInternals {
  /** Build a context on the app's host. */
  context(init: InvocationInit): Context;
  /** Resolve a route target against the app's handlers (unknown names throw WEGO_ERR_HANDLER_UNKNOWN). */
  resolve(target: string | Endpoint, route?: string): ResolvedHandler;
  /** Add to / remove from the app's in-flight list (drain waits for it; the stop deadline aborts what is left). */
  track(ctx: Context): void;
  untrack(ctx: Context): void;
  /** The contexts in flight. */
  inflight(): Iterable<Context>;
  /** True once the app has stopped: nothing is served any more. */
  stopped(): boolean;
  readonly host: { readonly log: import("pino").Logger };
}

/** @internal The key under which an app exposes its internals to `@wego/core/transport`. */
export const kInternals = Symbol.for("wego.app.internals");

/** The internals of `app`; throws for an object that is not a wego app. */
export function internalsOf(app: App): AppInternals {
  const i = (app as unknown as Record<symbol, AppInternals | undefined>)[kInternals];
  if (i === undefined) throw new TypeError("not a wego app (createApp from @wego/core)");
  return i;
}
