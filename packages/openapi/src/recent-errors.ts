import { type Filter, WegoError } from "@wego/core";

/** One failed invocation, as the developer console lists it. */
export interface RecentError {
  /** When it failed (ms since the epoch). */
  at: number;
  handler: string;
  route: string;
  transport: string;
  code: string;
  message: string;
  reason?: string;
  requestId: string;
}

const MAX = 50;
const byApp = new WeakMap<object, RecentError[]>();
const noApp = {};

/** The most recent errors recorded for `app` (newest first, at most 50). */
export function recentErrorsOf(app: object | undefined): readonly RecentError[] {
  return byApp.get(app ?? noApp) ?? [];
}

/** Record a failure for `app`'s console. */
export function noteError(app: object | undefined, e: RecentError): void {
  const key = app ?? noApp;
  let list = byApp.get(key);
  if (list === undefined) {
    list = [];
    byApp.set(key, list);
  }
  list.unshift(e);
  if (list.length > MAX) list.length = MAX;
}

/**
 * A filter that records each failure of the handlers it wraps (code,
 * message, reason, route, transport, request id) for the developer
 * console's "recent errors", then lets it go on unchanged. Put it in a
 * typed handler's `filters` or a service chain.
 *
 * @example
 * defineHandler({ name: "greet", filters: [recordErrors()], input, handle })
 */
export function recordErrors(): Filter {
  return (next) =>
    function recordErrorsFilter(ctx) {
      return next(ctx).catch((err: unknown) => {
        const e = WegoError.from(err);
        noteError(ctx.app, {
          at: Date.now(),
          handler: ctx.handler,
          route: ctx.route,
          transport: ctx.transport,
          code: e.code,
          message: e.rawMessage,
          ...(e.reason === undefined ? {} : { reason: e.reason }),
          requestId: ctx.id,
        });
        throw err;
      });
    };
}
