import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type App,
  createDispatcher,
  createRouteTable,
  createTlsSource,
  type RouteInfo,
  type Router,
  type RouteTarget,
  type StopOptions,
  type TlsSource,
} from "@wego/core/transport";
import { type Draining, drainServer } from "./drain.js";
import { httpError } from "./errors.js";
import { type HttpRouterOptions, resolveOptions } from "./options.js";
import { probeRoutes } from "./probes.js";
import { createRequestPath } from "./request-path.js";
import { HTTP_METHODS, type HttpMethod, type HttpRoute, Kind, type RouteSpec } from "./route-spec.js";

/** What a route points at: a typed handler (`defineHandler`), a registered handler's name, or an endpoint. */
export type { RouteTarget };

/**
 * The HTTP router: register routes, then `app.router("http", router)`. `R`
 * maps each route registered with a verb method ("POST /users") to its
 * target, at the type level only, so a typed client (`@wego/client`) checks
 * calls against `typeof router`.
 */
export interface HttpRouter<R extends object = Record<never, never>> extends Router {
  /** Serve GET (and HEAD) `path` with `target`: a typed handler, a handler name or an endpoint. */
  get<P extends string, T extends RouteTarget>(path: P, target: T): HttpRouter<R & { [K in `GET ${P}`]: T }>;
  /** Serve POST `path` with `target`. */
  post<P extends string, T extends RouteTarget>(path: P, target: T): HttpRouter<R & { [K in `POST ${P}`]: T }>;
  /** Serve PUT `path` with `target`. */
  put<P extends string, T extends RouteTarget>(path: P, target: T): HttpRouter<R & { [K in `PUT ${P}`]: T }>;
  /** Serve PATCH `path` with `target`. */
  patch<P extends string, T extends RouteTarget>(path: P, target: T): HttpRouter<R & { [K in `PATCH ${P}`]: T }>;
  /** Serve DELETE `path` with `target`. */
  delete<P extends string, T extends RouteTarget>(path: P, target: T): HttpRouter<R & { [K in `DELETE ${P}`]: T }>;
  /** Every method in {@link HTTP_METHODS}. */
  all(path: string, target: RouteTarget): this;
  /** Any method or list of methods. */
  route(method: HttpMethod | readonly HttpMethod[], path: string, target: RouteTarget): this;
  /** The node http.Server once started (others, e.g. @wego/ws, attach to its `upgrade` event). */
  readonly server: Server | undefined;
  /** The port actually bound once started (useful with port 0). */
  readonly port: number | undefined;
  /** Type-level only (never set): the typed routes, for typed clients. */
  readonly "~routes"?: R;
}

const forbiddenParam = /[:*](__proto__|constructor|prototype)\b/;

/**
 * Create the HTTP router: node:http with find-my-way (compiled radix tree)
 * for matching, on `@wego/core/transport`: routes in a route table, each
 * request decoded into one `dispatch`, the outcome written as the app's
 * envelope with the status of {@link httpCodes}. A route's target is a
 * handler name, a typed handler (`defineHandler`) or an endpoint.
 *
 * @example
 * const router = createHttpRouter({ port: 0 })
 *   .get("/hello/:name", "hello")
 *   .post("/users", createUser); // a typed handler
 * app.router("http", router);
 * await app.start();
 * console.log(router.port);
 */
export function createHttpRouter(options: HttpRouterOptions = {}): HttpRouter {
  const table = createRouteTable<RouteSpec>("http");
  let probes: HttpRoute[] = [];
  let draining: Draining | undefined;
  let server: Server | undefined;
  let port: number | undefined;
  let tls: TlsSource | undefined;

  const add = (methods: readonly HttpMethod[], path: string, target: RouteTarget): void => {
    if (typeof path !== "string" || !path.startsWith("/"))
      throw httpError("WEGO_ERR_HTTP_CONFIG", "path", `must start with "/", got ${String(path)}`);
    if (forbiddenParam.test(path))
      throw httpError("WEGO_ERR_HTTP_CONFIG", "path", `${path} names a parameter __proto__, constructor or prototype`);
    for (const method of methods) {
      if (!(HTTP_METHODS as readonly string[]).includes(method))
        throw httpError("WEGO_ERR_HTTP_CONFIG", "method", `${String(method)} is not one of ${HTTP_METHODS.join(", ")}`);
      table.add(`${method} ${path}`, target, { method, path, kind: Kind.App, hasParams: /[:*]/.test(path) });
    }
  };

  const router: HttpRouter = {
    get(path, target) {
      add(["GET"], path, target);
      return router as never;
    },
    post(path, target) {
      add(["POST"], path, target);
      return router as never;
    },
    put(path, target) {
      add(["PUT"], path, target);
      return router as never;
    },
    patch(path, target) {
      add(["PATCH"], path, target);
      return router as never;
    },
    delete(path, target) {
      add(["DELETE"], path, target);
      return router as never;
    },
    all(path, target) {
      add(HTTP_METHODS, path, target);
      return router;
    },
    route(method, path, target) {
      add(typeof method === "string" ? [method] : method, path, target);
      return router;
    },
    get server() {
      return server;
    },
    get port() {
      return port;
    },
    routes(): RouteInfo[] {
      return [...table.routes(), ...probes.map((p) => ({ route: p.route, handler: p.handler }))];
    },
    async start(app: App) {
      const opts = resolveOptions(app, options);
      table.start(app);
      // Probes are ordinary routes of the same tree with their own kind; an app route on the same path wins.
      probes = probeRoutes(opts, (key) => table.has(key));
      const d = createDispatcher(app, { transport: "http" });
      tls =
        opts.tls &&
        createTlsSource(opts.tls, "server", (err) => app.log.warn({ err }, "http: TLS reload failed, keeping the previous certificate"));
      const path = createRequestPath(app, d, opts, [...table.entries(), ...probes], tls);
      const s = path.server;
      server = s;
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        s.once("error", onError);
        s.listen({ port: opts.port, host: opts.host }, () => {
          s.off("error", onError);
          resolve();
        });
      }).catch((err) => {
        server = undefined;
        tls?.close();
        throw err;
      });
      draining = { server: s, dispatcher: d, responder: path.responder, bodies: path.bodies, drainIdle: opts.drainIdle };
      port = (s.address() as AddressInfo).port;
      const count = table.size + probes.length;
      app.log.info({ host: opts.host, port, routes: count, tls: tls !== undefined }, "http listening on %s:%d", opts.host, port);
    },
    async stop({ signal }: StopOptions) {
      const drain = draining;
      if (drain === undefined) return;
      draining = undefined;
      server = undefined;
      tls?.close();
      tls = undefined;
      await drainServer(drain, signal);
    },
  };
  return router;
}
