import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createSecureServer } from "node:https";
import type { Socket } from "node:net";
import type { App, Context, WegoError } from "@wego/core";
import type { Dispatcher, TlsSource } from "@wego/core/transport";
import fastQuerystring from "fast-querystring";
import FindMyWay from "find-my-way";
import { BodyKind, bodyKindOf, SUPPORTED_TYPES } from "./body.js";
import { type BodyReader, createBodyReader } from "./body-reader.js";
import { answerClientError } from "./client-error.js";
import { answered, awaitAnswer, watchClient } from "./client-gone.js";
import { httpError } from "./errors.js";
import { mergeInput, NO_QUERY } from "./input.js";
import type { ResolvedOptions } from "./options.js";
import { answerProbe } from "./probes.js";
import { createResponder, type Responder } from "./respond.js";
import { HTTP_METHODS, type HttpMethod, type HttpRoute, Kind } from "./route-spec.js";

/** The server of one router start, and what its drain needs. */
export interface RequestPath {
  server: Server;
  responder: Responder;
  bodies: BodyReader;
}

/**
 * Build the server and its request path for one start: one compiled
 * find-my-way tree over `routes` (the table's entries, then the probes),
 * decode (path parameters, query, body) → one `dispatcher.dispatch` → the
 * answer written as the app's envelope with the status from the code map.
 */
export function createRequestPath(
  app: App,
  d: Dispatcher,
  opts: ResolvedOptions,
  routes: readonly HttpRoute[],
  tls?: TlsSource,
): RequestPath {
  const responder = createResponder(d, opts.cors);
  const { cors } = opts;
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
    onBadUrl: (_path: string, req: IncomingMessage, res: ServerResponse) => refuse(req, res, httpError("WEGO_ERR_HTTP_BAD_URL")),
  });
  const methods = new Set<HttpMethod>();
  const taken = new Set<string>();
  const on = (method: HttpMethod, path: string, r: HttpRoute): void => {
    // First registration wins: explicit routes, then trailing-slash twins, then implicit HEADs.
    if (path === "" || taken.has(`${method} ${path}`)) return;
    taken.add(`${method} ${path}`);
    fmw.on(method, path, onRoute, r);
    methods.add(method);
  };
  const twin = (path: string): string => (path.endsWith("*") ? "" : path.endsWith("/") ? path.slice(0, -1) : `${path}/`);
  for (const r of routes) on(r.spec.method, r.spec.path, r);
  if (opts.ignoreTrailingSlash) for (const r of routes) on(r.spec.method, twin(r.spec.path), r);
  // HEAD answers like GET (node drops the body) unless registered on its own.
  for (const r of routes) {
    if (r.spec.method !== "GET") continue;
    on("HEAD", r.spec.path, r);
    if (opts.ignoreTrailingSlash) on("HEAD", twin(r.spec.path), r);
  }
  fmw.compile();

  const bodies = createBodyReader(d, opts.bodyLimit, refuse, deliver);

  /** The route deadline, or the shorter one a caller asks for with `x-request-timeout: <ms>`. */
  function deadlineOf(headers: IncomingHttpHeaders): number | undefined {
    const asked = headers["x-request-timeout"];
    if (timeoutMs === 0 && asked === undefined) return undefined;
    let ms = timeoutMs;
    const n = typeof asked === "string" ? Number(asked) : Number.NaN;
    if (n > 0 && Number.isFinite(n) && (ms === 0 || n < ms)) ms = n;
    return ms > 0 ? Date.now() + ms : undefined;
  }

  /** Refuse a request before any handler runs. Unread body: close the connection rather than read it. */
  function refuse(req: IncomingMessage, res: ServerResponse, err: WegoError, extra?: string[]): void {
    const unread = !req.complete && (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined);
    const headers = unread && extra?.includes("connection") !== true ? [...(extra ?? []), "connection", "close"] : extra;
    d.refuse(`${req.method} ${req.url}`, { id: req.headers["x-request-id"], meta: req.headers }, err, (ctx, e) =>
      responder.error(res, ctx, e as WegoError, headers),
    );
  }

  function notFound(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const allow: string[] = [];
    for (const m of HTTP_METHODS) if (m !== method && methods.has(m) && fmw.find(m, url) !== null) allow.push(m);
    if (allow.length === 0) {
      refuse(req, res, httpError("WEGO_ERR_HTTP_ROUTE_UNKNOWN", method, url.split("?")[0]));
      return;
    }
    if (method === "OPTIONS") {
      allow.push("OPTIONS");
      const ctx = d.context(`${method} ${url}`, { id: req.headers["x-request-id"], meta: req.headers });
      responder.raw(res, ctx.id, 204, undefined, "", ["allow", allow.join(", ")]);
      return;
    }
    refuse(req, res, httpError("WEGO_ERR_HTTP_METHOD_NOT_ALLOWED", method, url.split("?")[0], allow.join(", ")), [
      "allow",
      allow.join(", "),
    ]);
  }

  function onRoute(
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, unknown>,
    route: HttpRoute,
    query: Record<string, unknown>,
  ): void {
    if (route.spec.kind !== Kind.App) {
      answerProbe(app, d, responder, req, res, route);
      return;
    }
    const headers = req.headers;
    const cl = headers["content-length"];
    if (cl === undefined ? headers["transfer-encoding"] === undefined : cl === "0") {
      // No body: the query string (if any) is the only input dispatch must inspect.
      deliver(req, res, route, mergeInput(query, undefined, params, route.spec.hasParams), query === NO_QUERY, false);
      return;
    }
    const kind = bodyKindOf(headers["content-type"]);
    if (kind === BodyKind.Unsupported) {
      refuse(req, res, httpError("WEGO_ERR_HTTP_MEDIA_TYPE", headers["content-type"] ?? "(none)", SUPPORTED_TYPES));
      return;
    }
    if (cl !== undefined && Number(cl) > opts.bodyLimit) {
      refuse(req, res, httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", opts.bodyLimit));
      return;
    }
    bodies.read(req, res, route, params, query, kind);
  }

  /**
   * One dispatch per request. Every request that reaches here came on a
   * connection accepted before any stop (the listener closes first), so it is
   * served even while the router drains: admitted. A handler that finished
   * synchronously has been answered when dispatch returns; one still running
   * is remembered on its connection, so a client leaving aborts it.
   */
  function deliver(req: IncomingMessage, res: ServerResponse, route: HttpRoute, input: unknown, checked: boolean, admitted: boolean): void {
    if (!admitted && d.closed) {
      d.admit();
      admitted = true;
    }
    const headers = req.headers;
    const ctx = d.dispatch(
      route,
      { request: input, meta: headers, id: headers["x-request-id"], deadline: deadlineOf(headers), checked, admitted },
      (c, e, result) => reply(res, c, e, result),
    );
    if (!res.writableEnded && !res.destroyed) awaitAnswer(req.socket, ctx);
  }

  function reply(res: ServerResponse, ctx: Context, e: WegoError | undefined, result: unknown): void {
    answered(res.req.socket, ctx);
    try {
      if (e === undefined) responder.ok(res, ctx, result);
      else responder.error(res, ctx, e);
    } catch (err) {
      // Writing failed (a header a custom envelope made invalid…): log it, drop the connection rather than hang it.
      ctx.log.error({ err }, "http response could not be written");
      res.destroy();
    }
  }

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const h = origin === undefined ? undefined : cors?.preflight(origin);
    if (h === undefined) refuse(req, res, httpError("WEGO_ERR_HTTP_CORS_ORIGIN", origin ?? "(none)"));
    else responder.raw(res, d.context(`${req.method} ${req.url}`, { id: req.headers["x-request-id"] }).id, 204, undefined, "", h, false);
  }

  const serverOptions = {
    ...tls?.serverOptions(),
    headersTimeout: opts.headersTimeout,
    requestTimeout: opts.requestTimeout,
    keepAliveTimeout: opts.keepAliveTimeout,
    connectionsCheckingInterval: opts.connectionsCheckingInterval,
    // Node's own refusal is a bare 400 without envelope or request id: the check is below.
    requireHostHeader: false,
    ...(opts.maxHeaderSize === undefined ? {} : { maxHeaderSize: opts.maxHeaderSize }),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.host === undefined && req.httpVersionMinor === 1 && req.httpVersionMajor === 1) {
      // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host.
      refuse(req, res, httpError("WEGO_ERR_HTTP_HOST_MISSING"), ["connection", "close"]);
      return;
    }
    if (cors !== undefined && req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      preflight(req, res);
      return;
    }
    fmw.lookup(req, res);
  };
  const server: Server = tls === undefined ? createServer(serverOptions, onRequest) : createSecureServer(serverOptions, onRequest);
  // A TLS server's "connection" is the raw socket; the request path watches the socket requests arrive on.
  server.on(tls === undefined ? "connection" : "secureConnection", watchClient);
  tls?.attach(server as import("node:https").Server);
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(d, err, socket));
  return { server, responder, bodies };
}
