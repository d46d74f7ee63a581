import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createSecureServer, type Server as SecureServer } from "node:https";
import type { Duplex } from "node:stream";
import type { App, WegoError } from "@wego/core";
import type { Dispatcher, Invocation, TlsSource } from "@wego/core/transport";
import { wsCodes } from "./code-map.js";
import { wsError } from "./errors.js";
import { answerAndClose, pathOf } from "./upgrade-dispatch.js";

/** What the own port's plain HTTP answers need from the router. */
export interface OwnServerHost {
  readonly app: App;
  /** The router's dispatcher: request ids, refusal logging and the envelope. */
  readonly dispatcher: Dispatcher;
  /** The upgrade path (a plain request there is told to upgrade). */
  readonly path: string;
  readonly health: string | undefined;
  readonly ready: string | undefined;
  /** False while the router starts or stops: `/ready` answers 503. */
  accepting(): boolean;
  /** Serve TLS with these certificates (kept current as they are reloaded). */
  readonly tls?: TlsSource | undefined;
}

/** The caller's side of a request as dispatch sees it: headers, and the request id it sent (the id rule applies). */
export function invocationOf(req: IncomingMessage): Invocation {
  return { meta: req.headers, id: req.headers["x-request-id"] };
}

/**
 * The WebSocket router's own HTTP server. Upgrades are served by the
 * router; every plain request gets the app's envelope with a request id
 * (also in `X-Request-Id`): `GET /health` and `GET /ready` (probes, unless
 * switched off), 426 `WEGO_ERR_WS_UPGRADE_REQUIRED` on the upgrade path,
 * 404 `WEGO_ERR_WS_PATH_UNKNOWN` anywhere else, 400 `WEGO_ERR_WS_BAD_REQUEST`
 * for what node's HTTP parser refuses.
 */
export function createOwnServer(host: OwnServerHost): Server {
  // No Host header is no reason for node's bare 400 here: the request is answered by path like any other.
  const tls = host.tls;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const d = host.dispatcher;
    const path = pathOf(req.url);
    const inv = invocationOf(req);
    const read = req.method === "GET" || req.method === "HEAD";
    if (read && path === host.health) {
      const ctx = d.context(path, inv);
      send(res, 200, d.encode(ctx, undefined, { status: "serving" }), ctx.id);
    } else if (read && path === host.ready) {
      ready(host, req, res, path, inv);
    } else if (path === host.path) {
      refuse(d, res, path, inv, wsError("WEGO_ERR_WS_UPGRADE_REQUIRED", path), { upgrade: "websocket", connection: "close" });
    } else {
      refuse(d, res, path, inv, wsError("WEGO_ERR_WS_PATH_UNKNOWN", `${req.method} ${path}`));
    }
  };
  const server: Server =
    tls === undefined
      ? createServer({ requireHostHeader: false }, onRequest)
      : createSecureServer({ ...tls.serverOptions(), requireHostHeader: false }, onRequest);
  tls?.attach(server as SecureServer);
  // What node's parser refuses (a malformed request line, headers too large, a timeout) gets the envelope
  // too, rather than node's bare 400; a reset connection gets nothing.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const d = host.dispatcher;
    const error = wsError("WEGO_ERR_WS_BAD_REQUEST", err.code ?? err.message);
    d.refuse("", {}, error, (ctx, e) => answerAndClose(socket, wsCodes.toWire(e ?? error), d.encode(ctx, e, undefined), ctx.id));
  });
  return server;
}

function ready(host: OwnServerHost, req: IncomingMessage, res: ServerResponse, path: string, inv: Invocation): void {
  const d = host.dispatcher;
  host.app.readiness().then(
    (r) => {
      if (r.ready && host.accepting()) {
        const ctx = d.context(path, inv);
        send(res, 200, d.encode(ctx, undefined, r), ctx.id);
      } else refuse(d, res, path, inv, wsError.with({ details: r })("WEGO_ERR_WS_NOT_READY"));
    },
    (err: unknown) => {
      host.app.log.warn({ err, url: req.url }, "ws readiness probe failed");
      refuse(d, res, path, inv, wsError("WEGO_ERR_WS_NOT_READY"));
    },
  );
}

function refuse(d: Dispatcher, res: ServerResponse, path: string, inv: Invocation, err: WegoError, headers?: Record<string, string>): void {
  d.refuse(path, inv, err, (ctx, e) => send(res, wsCodes.toWire(e ?? err), d.encode(ctx, e, undefined), ctx.id, headers));
}

function send(res: ServerResponse, status: number, body: string, requestId: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
    ...headers,
  });
  res.end(body);
}
