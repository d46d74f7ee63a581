import { type App, targetName } from "../app.js";
import type { Meta } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import type { Endpoint } from "../filter.js";
import type { RouteInfo, Router, StopOptions } from "../router.js";

export interface MemoryRouter extends Router {
  /** Map a route name to a handler name or endpoint. */
  route(route: string, target: string | Endpoint): this;
  /** Invoke a route as a client would, getting the app's envelope back. */
  call(route: string, input?: unknown, options?: { id?: string; meta?: Meta }): Promise<unknown>;
}

/**
 * A router with no wire: routes are called in memory and answered with the
 * envelope. The reference implementation of the Router contract (the
 * conformance suite runs against it) and a test double for app code.
 */
export function createMemoryRouter(): MemoryRouter {
  const targets = new Map<string, string | Endpoint>();
  const resolved = new Map<string, { name: string; endpoint: Endpoint }>();
  let app: App | undefined;
  let accepting = false;
  return {
    route(route, target) {
      targets.set(route, target);
      return this;
    },
    start(a) {
      app = a;
      for (const [route, target] of targets) resolved.set(route, a.resolve(target, route));
      accepting = true;
    },
    stop(_options: StopOptions) {
      accepting = false;
    },
    routes(): RouteInfo[] {
      return [...targets].map(([route, t]) => ({ route, handler: resolved.get(route)?.name ?? targetName(t) }));
    },
    async call(route, input, options = {}) {
      if (!app || !accepting) throw new WegoError("unavailable", "memory router is not accepting");
      const r = resolved.get(route);
      const ctx = app.context({ transport: "memory", route, handler: r?.name ?? route, request: input, ...options });
      try {
        if (!r) throw new WegoError("unimplemented", `no route ${route}`);
        return app.envelope.ok(await app.run(r.endpoint, ctx), ctx);
      } catch (err) {
        return app.envelope.error(WegoError.from(err), ctx, !app.production);
      }
    },
  };
}
