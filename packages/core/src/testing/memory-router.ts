import type { App } from "../app.js";
import type { Meta } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import type { RouteInfo, Router, StopOptions } from "../router.js";
import { createDispatcher, type Dispatcher } from "../transport/dispatcher.js";
import { createRouteTable, type RouteTarget } from "../transport/route-table.js";

/** Options of one in-memory call. */
export interface MemoryCallOptions {
  /** The caller's request id (the same rule as every transport: replaced when invalid). */
  id?: string;
  meta?: Meta;
  /** A deadline in ms from now. */
  timeoutMs?: number;
}

/** A router with no wire, for tests and as the reference transport. */
export interface MemoryRouter extends Router {
  /** Map a route name to a handler name, a typed handler or an endpoint. */
  route(route: string, target: RouteTarget): this;
  /** Invoke a route as a client would, getting the app's envelope back. */
  call(route: string, input?: unknown, options?: MemoryCallOptions): Promise<unknown>;
}

/**
 * A router with no wire: routes are called in memory and answered with the
 * envelope. The reference implementation of a transport on
 * `@wego/core/transport` (the conformance suite runs against it) and a test
 * double for app code.
 */
export function createMemoryRouter(): MemoryRouter {
  const table = createRouteTable("memory");
  let dispatcher: Dispatcher | undefined;
  const router: MemoryRouter = {
    route(route, target) {
      table.add(route, target, undefined);
      return router;
    },
    start(app: App) {
      table.start(app);
      dispatcher = createDispatcher(app, { transport: "memory" });
    },
    async stop({ signal }: StopOptions) {
      await dispatcher?.drain(signal);
    },
    routes(): RouteInfo[] {
      return table.routes();
    },
    call(route, input, options = {}) {
      const d = dispatcher;
      if (d === undefined) return Promise.reject(new WegoError("unavailable", "memory router is not started"));
      const inv = {
        request: input,
        id: options.id,
        meta: options.meta,
        deadline: options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs,
      };
      return new Promise((resolve) => {
        const entry = table.get(route);
        if (entry === undefined)
          d.refuse(route, inv, new WegoError("unimplemented", `no route ${route}`), (ctx, e) => resolve(d.envelope(ctx, e, undefined)));
        else d.dispatch(entry, inv, (ctx, e, result) => resolve(d.envelope(ctx, e, result)));
      });
    },
  };
  return router;
}
