import type { App } from "./app.js";
import type { HandlerInfo } from "./handler.js";

/** When a router must give up draining. */
export interface StopOptions {
  /** Absolute deadline, ms since epoch. */
  deadline: number;
  /** Fires at the deadline: close whatever is still open. */
  signal: AbortSignal;
}

/** One route as a router shows it (for `--list`, docs, logs). */
export interface RouteInfo {
  /** Transport's own terms: "GET /exam/one", "*\/5 * * * * *", "Two", "exam.one"… */
  route: string;
  /** Handler name the route points at. */
  handler: string;
  /**
   * The typed handler's schemas and docs when the route reaches one (read by
   * OpenAPI/AsyncAPI generators and the developer console). Non-enumerable,
   * so listings, JSON and equality checks stay `{ route, handler }`.
   */
  readonly info?: HandlerInfo;
}

/**
 * The adapter every transport implements. A router registers routes in its
 * own terms, pointing at a handler name or an endpoint; resolves them at
 * `start` through `app.resolve` (so unknown names fail at boot); and on
 * `stop` stops accepting, lets in-flight work finish or hands it back, and
 * gives up at the deadline.
 */
export interface Router {
  start(app: App): Promise<void> | void;
  stop(options: StopOptions): Promise<void> | void;
  /**
   * Called for every started router before any of them stops: what must
   * happen before the drain (leaving a service registry, so clients stop
   * sending first).
   */
  beforeStop?(options: StopOptions): Promise<void> | void;
  routes?(): RouteInfo[];
}

/**
 * Wiring: `register` runs for every provider first (bind clients, handlers),
 * then `boot` for every provider (things that need what others registered),
 * then the routers start. `shutdown` runs in reverse order after routers stop.
 */
export interface Provider {
  register?(app: App): Promise<void> | void;
  boot?(app: App): Promise<void> | void;
  shutdown?(app: App): Promise<void> | void;
}
