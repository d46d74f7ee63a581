import type { App } from "../app.js";
import { frameworkError } from "../errors/catalogue.js";
import type { Endpoint } from "../filter.js";
import { type HandlerInfo, handlerInfo } from "../handler.js";
import { targetName } from "../handler-registry.js";
import type { RouteInfo } from "../router.js";
import { internalsOf } from "./internals.js";

/** What a route points at: a registered handler's name, a typed handler, or an endpoint (e.g. `app.handler("x")`). */
export type RouteTarget = string | Endpoint;

/** One registered route. `handler` and `endpoint` are final once the table has started. */
export interface RouteEntry<S = undefined> {
  /** The key the transport looks the route up by ("GET /a", a job name, a command…). */
  readonly key: string;
  /** What `ctx.route` says (usually the key). */
  readonly route: string;
  /** The transport's own data for the route (path parts, a schedule, options…). */
  readonly spec: S;
  /** What the route pointed at when registered. */
  readonly target: RouteTarget;
  /** The handler name (resolved at start; before, the best guess for listings). */
  handler: string;
  /** The endpoint to dispatch to (set at start). */
  endpoint: Endpoint;
  /** The typed handler's schemas and docs, when the target is one. */
  info: HandlerInfo | undefined;
}

/**
 * A transport's routes: registered before start only (a late registration
 * throws `WEGO_ERR_ROUTE_LATE` on every transport), resolved once at start
 * (an unknown handler name fails the start, naming the route), listed by
 * `routes()`.
 */
export interface RouteTable<S = undefined> {
  /** Register `key` → `target`; throws when started or when `key` is taken. */
  add(key: string, target: RouteTarget, spec: S, route?: string): RouteEntry<S>;
  /** Resolve every target against `app`; after this, `add` throws. */
  start(app: App): void;
  /** The entry for `key`, if any. */
  get(key: string): RouteEntry<S> | undefined;
  /** Whether `key` is registered. */
  has(key: string): boolean;
  /** Every entry, in registration order. */
  entries(): readonly RouteEntry<S>[];
  /** The listing every router's `routes()` returns. */
  routes(): RouteInfo[];
  /** Whether `start` has run. */
  readonly started: boolean;
  /** Number of routes. */
  readonly size: number;
}

/** `route` with `info` attached, non-enumerable (see {@link RouteInfo.info}). */
export function withInfo<T extends object>(route: T, info: HandlerInfo | undefined): T {
  return info === undefined ? route : Object.defineProperty(route, "info", { value: info });
}

const unresolved: Endpoint = () => Promise.reject(new Error("route used before its router started"));

/** Create the route table of a transport named `transport` ("http", "grpc"…), which error messages name. */
export function createRouteTable<S = undefined>(transport: string): RouteTable<S> {
  const byKey = new Map<string, RouteEntry<S>>();
  const list: RouteEntry<S>[] = [];
  let started = false;
  return {
    add(key, target, spec, route = key) {
      if (started) throw frameworkError("WEGO_ERR_ROUTE_LATE", transport, key);
      if (byKey.has(key)) throw frameworkError("WEGO_ERR_ROUTE_DUPLICATE", transport, key);
      if (typeof target !== "string" && typeof target !== "function")
        throw frameworkError(
          "WEGO_ERR_NOT_A_FUNCTION",
          `${transport} route "${key}" target`,
          "a handler name, a typed handler or an endpoint",
          typeof target,
        );
      const entry: RouteEntry<S> = {
        key,
        route,
        spec,
        target,
        handler: targetName(target),
        endpoint: unresolved,
        info: handlerInfo(target),
      };
      byKey.set(key, entry);
      list.push(entry);
      return entry;
    },
    start(app) {
      started = true;
      const internals = internalsOf(app);
      for (const e of list) {
        const r = internals.resolve(e.target, e.route);
        e.handler = r.name;
        e.endpoint = r.endpoint;
        e.info ??= handlerInfo(r.endpoint);
      }
    },
    get: (key) => byKey.get(key),
    has: (key) => byKey.has(key),
    entries: () => list,
    routes: () => list.map((e) => withInfo({ route: e.route, handler: e.handler }, e.info)),
    get started() {
      return started;
    },
    get size() {
      return list.length;
    },
  };
}
