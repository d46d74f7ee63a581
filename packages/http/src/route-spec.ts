import type { RouteEntry } from "@wego/core/transport";

/** Methods a route can be registered for; `all` means every one of them. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** What a matched route is: the app's, or one of the probes the router answers itself. */
export const Kind = { App: 0, Health: 1, Ready: 2, Metrics: 3 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The router's own data on each route-table entry (its key and `ctx.route` are "GET /users/:id"). */
export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly kind: Kind;
  /** Whether the path has parameters (merged into the input). */
  readonly hasParams: boolean;
}

/** A route as the request path sees it: an app route from the table, or a probe shaped like one. */
export type HttpRoute = RouteEntry<RouteSpec>;
