import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import { type AddressInfo, Server as NetServer, type Socket } from "node:net";
import { type App, type Context, type Endpoint, type RouteInfo, type Router, type StopOptions, targetName, WegoError } from "@wego/core";
import fastQuerystring from "fast-querystring";
import FindMyWay from "find-my-way";
import { BodyKind, bodyKindOf, decodeBody, SUPPORTED_TYPES } from "./body.js";
import { statusOf } from "./code-map.js";
import { httpError } from "./errors.js";
import { Inflight } from "./inflight.js";
import { mergeInput, NO_QUERY } from "./input.js";
import { type HttpRouterOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { isValidRequestId } from "./request-id.js";
import { createResponder, JSON_TYPE, type Responder } from "./respond.js";

/** Methods a route can be registered for; `all` means every one of them. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route target: a handler name, or an endpoint (e.g. `app.handler("one")`). */
export type RouteTarget = string | Endpoint;

/** The HTTP router: register routes, then `app.router("http", router)`. */
export interface HttpRouter extends Router {
  get(path: string, target: RouteTarget): this;
  post(path: string, target: RouteTarget): this;
  put(path: string, target: RouteTarget): this;
  patch(path: string, target: RouteTarget): this;
  delete(path: string, target: RouteTarget): this;
  /** Every method in {@link HTTP_METHODS}. */
  all(path: string, target: RouteTarget): this;
  /** Any method or list of methods. */
  route(method: HttpMethod | readonly HttpMethod[], path: string, target: RouteTarget): this;
  /** The node http.Server once started (others, e.g. @wego/ws, attach to its `upgrade` event). */
  readonly server: Server | undefined;
  /** The port actually bound once started (useful with port 0). */
  readonly port: number | undefined;
}

const Kind = { App: 0, Health: 1, Ready: 2, Metrics: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  /** "GET /users/:id": ctx.route and the route listing. */
  readonly label: string;
  readonly target: RouteTarget;
  readonly kind: Kind;
  readonly hasParams: boolean;
  name: string;
  endpoint: Endpoint | undefined;
}

/** State of a request whose body is being read, found by the shared listeners through the request. */
interface PendingBody {
  res: ServerResponse;
  route: Route;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  kind: BodyKind;
  first: Buffer | undefined;
  chunks: Buffer[] | undefined;
  length: number;
  done: boolean;
}

const kBody = Symbol("wego.http.body");
type BodyReq = IncomingMessage & { [kBody]?: PendingBody };

const EMPTY = Buffer.alloc(0);
const forbiddenParam = /[:*](__proto__|constructor|prototype)\b/;

/**
 * Create the HTTP router: node:http with find-my-way (compiled radix tree)
 * for matching. Each request becomes one Context and one `app.run`; the
 * result is written as the app's envelope, errors with the status from
 * {@link statusOf}.
 *
 * @example
 * const router = createHttpRouter({ port: 0 })
 *   .get("/hello/:name", "hello")
 *   .post("/echo", app.handler("echo"));
 * app.router("http", router);
 * await app.start();
 * console.log(router.port);
 */
export function createHttpRouter(options: HttpRouterOptions = {}): HttpRouter {
  const declared: Route[] = [];
  const keys = new Set<string>();
  let server: Server | undefined;
  let port: number | undefined;
  let started = false;
  /** Requests handed to the app and not answered yet: answered 503 at the stop deadline. */
  const inflight = new Inflight();

  const add = (methods: readonly HttpMethod[], path: string, target: RouteTarget, kind: Kind = Kind.App): void => {
    if (started) throw httpError("WEGO_ERR_HTTP_CONFIG", ["routes", "must be registered before the router starts"]);
    if (typeof path !== "string" || !path.startsWith("/"))
      throw httpError("WEGO_ERR_HTTP_CONFIG", ["path", `must start with "/", got ${String(path)}`]);
    if (forbiddenParam.test(path))
      throw httpError("WEGO_ERR_HTTP_CONFIG", ["path", `${path} names a parameter __proto__, constructor or prototype`]);
    for (const method of methods) {
      if (!(HTTP_METHODS as readonly string[]).includes(method))
        throw httpError("WEGO_ERR_HTTP_CONFIG", ["method", `${String(method)} is not one of ${HTTP_METHODS.join(", ")}`]);
      const key = `${method} ${path}`;
      if (keys.has(key)) throw httpError("WEGO_ERR_HTTP_ROUTE_DUPLICATE", [method, path]);
      keys.add(key);
      const name =
        kind !== Kind.App ? `(${kind === Kind.Health ? "health" : kind === Kind.Ready ? "ready" : "metrics"})` : targetName(target);
      declared.push({ method, path, label: key, target, kind, hasParams: /[:*]/.test(path), name, endpoint: undefined });
    }
  };

  const router: HttpRouter = {
    get(path, target) {
      add(["GET"], path, target);
      return router;
    },
    post(path, target) {
      add(["POST"], path, target);
      return router;
    },
    put(path, target) {
      add(["PUT"], path, target);
      return router;
    },
    patch(path, target) {
      add(["PATCH"], path, target);
      return router;
    },
    delete(path, target) {
      add(["DELETE"], path, target);
      return router;
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
      return declared.map((r) => ({ route: r.label, handler: r.name }));
    },
    async start(app: App) {
      const opts = resolveOptions(app, options);
      // Probes are ordinary routes (matched by the same tree) with their own kind; an app route on the same path wins.
      const probes: Array<[string | undefined, Kind]> = [
        [opts.health, Kind.Health],
        [opts.ready, Kind.Ready],
        [opts.metrics, Kind.Metrics],
      ];
      for (const [p, kind] of probes) if (p !== undefined && !keys.has(`GET ${p}`)) add(["GET"], p, "", kind);
      started = true;
      for (const r of declared) {
        if (r.kind !== Kind.App) continue;
        const resolved = app.resolve(r.target as RouteTarget, r.label);
        r.name = resolved.name;
        r.endpoint = resolved.endpoint;
      }
      drainIdleMs = opts.drainIdle;
      const s = serve(app, opts, declared, inflight);
      server = s.server;
      responder = s.responder;
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        s.server.once("error", onError);
        s.server.listen({ port: opts.port, host: opts.host }, () => {
          s.server.off("error", onError);
          resolve();
        });
      }).catch((err) => {
        server = undefined;
        throw err;
      });
      port = (s.server.address() as AddressInfo).port;
      app.log.info({ host: opts.host, port, routes: declared.length }, "http listening on %s:%d", opts.host, port);
    },
    async stop({ signal }: StopOptions) {
      const s = server;
      if (s === undefined) return;
      server = undefined;
      await drain(s, responder as Responder, inflight, signal, drainIdleMs);
    },
  };
  let responder: Responder | undefined;
  let drainIdleMs = 0;
  return router;
}

/**
 * Graceful stop: stop accepting; for `drainIdle` ms keep idle keep-alive
 * sockets open, so a request a client is sending on one right now is served
 * (every answer now carries `connection: close`) rather than reset; then
 * close the idle ones and let requests in flight finish; at the deadline
 * answer what is left with 503 and close every connection.
 */
async function drain(server: Server, responder: Responder, inflight: Inflight, signal: AbortSignal, drainIdle: number): Promise<void> {
  responder.draining = true;
  let closed = false;
  // net's close, not http's: since Node 19 http.Server#close also closes idle
  // keep-alive sockets at once, which is the race this grace avoids.
  const whenClosed = new Promise<void>((resolve) =>
    NetServer.prototype.close.call(server, () => {
      closed = true;
      resolve();
    }),
  );
  const deadline = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  if (drainIdle > 0) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => {
      timer = setTimeout(r, drainIdle);
    });
    await Promise.race([whenClosed, deadline, grace]);
    clearTimeout(timer);
  }
  // http's own pre-close: closes idle sockets and its connection-checking timer.
  server.closeIdleConnections();
  server.close(() => {});
  await Promise.race([whenClosed, deadline]);
  if (closed) return;
  inflight.drain((ctx, res) => responder.error(res, ctx.id, httpError("WEGO_ERR_HTTP_SHUTDOWN")));
  server.closeAllConnections();
  // Upgraded sockets (WebSocket) are not ours to close; don't wait on them for long.
  await Promise.race([whenClosed, new Promise((r) => setTimeout(r, 100).unref())]);
}

/** Build the server and its request path for one start. */
function serve(app: App, opts: ResolvedOptions, routes: readonly Route[], inflight: Inflight): { server: Server; responder: Responder } {
  const responder = createResponder(app, opts.cors);
  const { bodyLimit, cors } = opts;
  const timeoutMs = opts.timeout;

  const fmw = FindMyWay({
    // Trailing slashes are handled by registering each route's twin below: find-my-way's own
    // option would turn off its compiled matcher's fast path on the raw URL.
    ignoreTrailingSlash: false,
    caseSensitive: !opts.caseInsensitive,
    maxParamLength: opts.maxParamLength,
    // Most requests carry no query string: share one frozen empty object instead of allocating.
    querystringParser: (s: string) => (s.length === 0 ? NO_QUERY : (fastQuerystring.parse(s) as Record<string, unknown>)),
    defaultRoute: (req: IncomingMessage, res: ServerResponse) => notFound(req, res),
    onBadUrl: (_path: string, req: IncomingMessage, res: ServerResponse) => reject(req, res, httpError("WEGO_ERR_HTTP_BAD_URL")),
  });
  const methods = new Set<HttpMethod>();
  const taken = new Set<string>();
  const on = (method: HttpMethod, path: string, r: Route): void => {
    // First registration wins: explicit routes, then trailing-slash twins, then implicit HEADs.
    if (path === "" || taken.has(`${method} ${path}`)) return;
    taken.add(`${method} ${path}`);
    fmw.on(method, path, onRoute, r);
    methods.add(method);
  };
  const twin = (path: string): string => (path.endsWith("*") ? "" : path.endsWith("/") ? path.slice(0, -1) : `${path}/`);
  for (const r of routes) on(r.method, r.path, r);
  if (opts.ignoreTrailingSlash) for (const r of routes) on(r.method, twin(r.path), r);
  // HEAD answers like GET (node drops the body) unless registered on its own.
  for (const r of routes) {
    if (r.method !== "GET") continue;
    on("HEAD", r.path, r);
    if (opts.ignoreTrailingSlash) on("HEAD", twin(r.path), r);
  }
  fmw.compile();

  /**
   * A Context for a request: the caller's id when valid, else a generated one.
   * Only invocations (`run`) get a deadline: the contexts of refusals and probes just carry the id.
   */
  function contextOf(req: IncomingMessage, route: Route | undefined, input: unknown, run = false): Context {
    const headers = req.headers;
    const rid = headers["x-request-id"];
    return app.context({
      transport: "http",
      route: route === undefined ? `${req.method} ${req.url}` : route.label,
      handler: route === undefined ? "" : route.name,
      request: input,
      meta: headers,
      id: rid !== undefined && isValidRequestId(rid) ? rid : undefined,
      deadline:
        !run || (timeoutMs === 0 && headers["x-request-timeout"] === undefined) ? undefined : deadlineOf(headers["x-request-timeout"]),
    });
  }

  function deadlineOf(asked: string | string[] | undefined): number | undefined {
    let ms = timeoutMs;
    const n = typeof asked === "string" ? Number(asked) : Number.NaN;
    if (n > 0 && Number.isFinite(n) && (ms === 0 || n < ms)) ms = n;
    return ms > 0 ? Date.now() + ms : undefined;
  }

  /** Refuse a request before any handler runs. Unread body: close the connection rather than read it. */
  function reject(req: IncomingMessage, res: ServerResponse, err: WegoError, extra?: string[]): void {
    const ctx = contextOf(req, undefined, undefined);
    const unread = !req.complete && (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined);
    responder.error(res, ctx.id, err, unread ? [...(extra ?? []), "connection", "close"] : extra);
  }

  function notFound(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const allow: string[] = [];
    for (const m of HTTP_METHODS) if (m !== method && methods.has(m) && fmw.find(m, url) !== null) allow.push(m);
    if (allow.length === 0) {
      reject(req, res, httpError("WEGO_ERR_HTTP_ROUTE_UNKNOWN", [method, url.split("?")[0]]));
      return;
    }
    if (method === "OPTIONS") {
      allow.push("OPTIONS");
      const ctx = contextOf(req, undefined, undefined);
      responder.raw(res, ctx.id, 204, undefined, "", ["allow", allow.join(", ")]);
      return;
    }
    reject(req, res, httpError("WEGO_ERR_HTTP_METHOD_NOT_ALLOWED", [method, url.split("?")[0], allow.join(", ")]), [
      "allow",
      allow.join(", "),
    ]);
  }

  function onRoute(
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, unknown>,
    route: Route,
    query: Record<string, unknown>,
  ): void {
    if (route.kind !== Kind.App) {
      probe(req, res, route);
      return;
    }
    const headers = req.headers;
    const cl = headers["content-length"];
    if (cl === undefined ? headers["transfer-encoding"] === undefined : cl === "0") {
      dispatch(req, res, route, mergeInput(query, undefined, params, route.hasParams));
      return;
    }
    const kind = bodyKindOf(headers["content-type"]);
    if (kind === BodyKind.Unsupported) {
      reject(req, res, httpError("WEGO_ERR_HTTP_MEDIA_TYPE", [headers["content-type"] ?? "(none)", SUPPORTED_TYPES]));
      return;
    }
    if (cl !== undefined && Number(cl) > bodyLimit) {
      reject(req, res, httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", [bodyLimit]));
      return;
    }
    (req as BodyReq)[kBody] = { res, route, params, query, kind, first: undefined, chunks: undefined, length: 0, done: false };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onReqError);
  }

  // Shared body listeners (`this` is the request): no closures per request.
  function onData(this: BodyReq, chunk: Buffer): void {
    const s = this[kBody] as PendingBody;
    if (s.done) return;
    s.length += chunk.length;
    if (s.length > bodyLimit) {
      s.done = true;
      s.first = undefined;
      s.chunks = undefined;
      reject(this, s.res, httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", [bodyLimit]));
      return;
    }
    if (s.first === undefined) s.first = chunk;
    else if (s.chunks === undefined) s.chunks = [s.first, chunk];
    else s.chunks.push(chunk);
  }

  function onEnd(this: BodyReq): void {
    const s = this[kBody] as PendingBody;
    if (s.done) return;
    s.done = true;
    const buf = s.chunks !== undefined ? Buffer.concat(s.chunks, s.length) : (s.first ?? EMPTY);
    let body: unknown;
    if (buf.length > 0) {
      try {
        body = decodeBody(s.kind, buf);
      } catch (err) {
        reject(this, s.res, WegoError.from(err));
        return;
      }
    }
    dispatch(this, s.res, s.route, mergeInput(s.query, body, s.params, s.route.hasParams));
  }

  function onReqError(this: BodyReq): void {
    // The client went away mid-body: nobody to answer.
    const s = this[kBody];
    if (s !== undefined) s.done = true;
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, route: Route, input: unknown): void {
    const ctx = contextOf(req, route, input, true);
    const socket = req.socket;
    inflight.add(socket, ctx, res);
    if (ctx.deadline !== undefined) watchDeadline(socket, res, ctx);
    invoke(socket, res, route.endpoint as Endpoint, ctx);
  }

  // app.serve: a handler that finished synchronously is answered now, and a
  // pending one from the same reaction that ends its in-flight tracking.
  function invoke(socket: Socket, res: ServerResponse, endpoint: Endpoint, ctx: Context): void {
    app.serve(endpoint, ctx, (result, err, failed) => answer(socket, res, ctx, result, failed ? WegoError.from(err) : undefined));
  }

  function answer(socket: Socket, res: ServerResponse, ctx: Context, result: unknown, failed: WegoError | undefined): void {
    // Not pending any more: answered at the deadline or the stop deadline, or the client left.
    if (!inflight.remove(socket, ctx)) return;
    try {
      if (failed === undefined) responder.ok(res, ctx.id, result);
      else responder.error(res, ctx.id, failed);
    } catch (err) {
      // Writing failed (a header a custom envelope made invalid…): log it, drop the connection rather than hang it.
      ctx.log.error({ err }, "http response could not be written");
      res.destroy();
    }
  }

  /** With a deadline, answer 504 when it passes even if the handler ignores its signal. */
  function watchDeadline(socket: Socket, res: ServerResponse, ctx: Context): void {
    ctx.signal.addEventListener(
      "abort",
      () => {
        const reason = ctx.signal.reason as WegoError;
        if (reason?.code === "deadline_exceeded" && inflight.remove(socket, ctx)) responder.error(res, ctx.id, reason);
      },
      { once: true },
    );
  }

  function probe(req: IncomingMessage, res: ServerResponse, route: Route): void {
    const ctx = contextOf(req, route, undefined);
    if (route.kind === Kind.Health) {
      responder.ok(res, ctx.id, { status: "serving" });
      return;
    }
    if (route.kind === Kind.Ready) {
      app.readiness().then(
        (r) => {
          if (r.ready && !responder.draining) responder.ok(res, ctx.id, r);
          else responder.error(res, ctx.id, httpError("WEGO_ERR_HTTP_NOT_READY", [], { details: r }));
        },
        (err: unknown) => responder.error(res, ctx.id, WegoError.from(err)),
      );
      return;
    }
    app.metrics.metrics().then(
      (text) => responder.raw(res, ctx.id, 200, app.metrics.contentType, text),
      (err: unknown) => responder.error(res, ctx.id, WegoError.from(err)),
    );
  }

  const server = createServer(
    {
      headersTimeout: opts.headersTimeout,
      requestTimeout: opts.requestTimeout,
      keepAliveTimeout: opts.keepAliveTimeout,
      connectionsCheckingInterval: opts.connectionsCheckingInterval,
      ...(opts.maxHeaderSize === undefined ? {} : { maxHeaderSize: opts.maxHeaderSize }),
    },
    (req, res) => {
      if (cors !== undefined && req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        preflight(req, res);
        return;
      }
      fmw.lookup(req, res);
    },
  );

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const h = origin === undefined ? undefined : cors?.preflight(origin);
    const ctx = contextOf(req, undefined, undefined);
    if (h === undefined) responder.error(res, ctx.id, httpError("WEGO_ERR_HTTP_CORS_ORIGIN", [origin ?? "(none)"]));
    else responder.raw(res, ctx.id, 204, undefined, "", h, false);
  }

  server.on("connection", (socket: Socket) => inflight.watch(socket));
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => clientError(app, err, socket));
  return { server, responder };
}

/**
 * Errors node raises before a request exists (slow or malformed heads,
 * oversized headers): answered with the envelope and the status node would
 * use, then the connection is closed. The server keeps serving others.
 */
function clientError(app: App, err: NodeJS.ErrnoException, socket: Socket): void {
  const pending = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  let e: WegoError;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") e = httpError("WEGO_ERR_HTTP_REQUEST_TIMEOUT");
  else if (err.code === "HPE_HEADER_OVERFLOW") e = httpError("WEGO_ERR_HTTP_HEADERS_TOO_LARGE");
  else e = httpError("WEGO_ERR_HTTP_BAD_REQUEST", [err.code ?? err.message]);
  const status = statusOf(e);
  const id = app.context({ transport: "http", route: "" }).id;
  const body = JSON.stringify(app.envelope.error(e, { id }, !app.production));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${id}\r\nconnection: close\r\n\r\n${body}`,
  );
}
