import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  type App,
  type Endpoint,
  type PubSub,
  type ResolvedHandler,
  type RouteInfo,
  type Router,
  type StopOptions,
  targetName,
  WegoError,
} from "@wego/core";
import { type ServerOptions, WebSocketServer } from "ws";
import { CloseCode, upgradeStatusOf } from "./code-map.js";
import { type ConnectionHost, WsConnection } from "./connection.js";
import { wsError } from "./errors.js";
import { encodeMessage } from "./frame.js";
import { type OriginPolicy, originCheck } from "./origin.js";
import { localBus, type PushBus, pubSubBus } from "./push-bus.js";
import { PushHub } from "./push-hub.js";
import { authenticator, tokenOf, type WsAuth, type WsAuthFn, type WsIdentity } from "./upgrade-auth.js";
import { mountUpgrade, refuseUpgrade } from "./upgrade-dispatch.js";

/** Anything holding a started node `http.Server`, such as the `@wego/http` router. */
export interface AttachTarget {
  readonly server?: Server | undefined;
}

export interface WsRouterOptions {
  /** Own port (config `ws.port`, default 8342). Ignored with `attach`. */
  port?: number;
  /** Own interface (config `ws.host`, default `127.0.0.1`; `0.0.0.0` in a container). */
  host?: string;
  /** Upgrade path (config `ws.path`, default `/ws`). */
  path?: string;
  /**
   * Serve on another router's HTTP server instead of an own port, e.g. the
   * `@wego/http` router: its `server` must exist when this router starts, so
   * register the HTTP router first (routers start in registration order).
   */
  attach?: AttachTarget;
  /**
   * Authenticate upgrades: a function, or `{ jwt: JwtOptions }` for core's JWT
   * verifier. Refused upgrades get 401 (or their error's status) before they
   * become WebSockets.
   */
  auth?: WsAuth;
  /**
   * Also read the bearer token from this query parameter (config
   * `ws.tokenQuery`), for browsers, which cannot set headers on a WebSocket.
   * Off by default: query strings end up in access logs.
   */
  tokenQuery?: string;
  /** Browser origins allowed to connect (config `ws.origins`); default same-origin. */
  origins?: OriginPolicy;
  /** Largest frame accepted, in bytes (config `ws.maxPayload`, default 1 MiB); bigger ones close with 1009. */
  maxPayload?: number;
  /** Requests handled at once per connection (config `ws.maxInFlight`, default 32); more wait, reading pauses. */
  maxInFlight?: number;
  /** Invalid frames a connection may send before it is closed with 1008 (config `ws.maxInvalidFrames`, default 10). */
  maxInvalidFrames?: number;
  /** Send buffer size over which reading from the peer pauses until it drains (config `ws.sendHighWater`, default 1 MiB). */
  sendHighWater?: number;
  /** Send buffer size over which the peer is a slow consumer, closed with 1008 (config `ws.sendLimit`, default 16 MiB). */
  sendLimit?: number;
  /** Ping period in ms (config `ws.heartbeatInterval`, default 30 000; 0 = off). A peer silent for a whole period is dropped. */
  heartbeatInterval?: number;
  /** How long stop waits for close handshakes before terminating sockets, ms (config `ws.closeTimeout`, default 3000). */
  closeTimeout?: number;
  /**
   * Cross-instance push: every push goes through this broker (e.g. `@wego/redis`'s, or {@link createMemoryPubSub}).
   * A function is called at start, so a broker built on a connection that a provider opens can be given
   * before it exists: `pubsub: (app) => createRedisPubSub(redis(app))`.
   */
  pubsub?: PubSub | ((app: App) => PubSub);
  /** Broker channel (config `ws.channel`, default `wego:ws:<app name><path>`). */
  channel?: string;
}

export interface WsRouter extends Router {
  /** Map a frame's `route` to a handler name or an endpoint. */
  route(name: string, target: string | Endpoint): this;
  /** The bound port of the own server (after start), or of the attached server. */
  readonly port: number | undefined;
  /** Open connections on this instance. */
  readonly connections: number;
  /** Push to one connection, on any instance. */
  sendTo(connectionId: string, message: unknown): Promise<void>;
  /** Push to every connection of a user, on every instance. */
  sendToUser(userId: string, message: unknown): Promise<void>;
  /** Push to every connection in a room, on every instance. */
  sendToRoom(room: string, message: unknown): Promise<void>;
  /** Push to every connection, on every instance. */
  broadcast(message: unknown): Promise<void>;
  /** Put a connection (on any instance) in a room. */
  join(connectionId: string, room: string): Promise<void>;
  leave(connectionId: string, room: string): Promise<void>;
  /** Close one local connection (default 1000); false when it is not on this instance. */
  close(connectionId: string, code?: number, reason?: string): boolean;
}

interface Running {
  app: App;
  server: Server;
  own: boolean;
  wss: WebSocketServer;
  unmount: () => void;
  heartbeat: NodeJS.Timeout | undefined;
  closeTimeout: number;
}

/**
 * The WebSocket router. Clients send JSON text frames
 * `{ "id", "route", "data" }`; each is answered with the app's envelope plus
 * the same `id`: `{ "id", "code": "ok", "message", "data", "requestId" }`.
 * Several frames per connection run at once; an application error is an
 * error frame and the connection stays open; only protocol abuse closes it.
 *
 * @example
 * const ws = createWsRouter({ auth: async (req, token) => (token === "t" ? { userId: "u1" } : undefined) })
 *   .route("chat.send", "chat.send");
 * app.router("ws", ws);
 * // later, from anywhere: await ws.sendToUser("u1", { route: "chat.message", data: { text: "hi" } });
 */
export function createWsRouter(options: WsRouterOptions = {}): WsRouter {
  const targets = new Map<string, string | Endpoint>();
  const routes = new Map<string, ResolvedHandler>();
  const hub = new PushHub<WsConnection>();
  let bus: PushBus = localBus(hub);
  let running: Running | undefined;
  let accepting = false;
  let host: ConnectionHost | undefined;

  const push = (kind: "connection" | "user" | "room" | "all", key: string, message: unknown): Promise<void> => {
    let text: string;
    try {
      text = encodeMessage(message);
    } catch (err) {
      return Promise.reject(err);
    }
    return bus.send(kind, key, text);
  };

  function refuse(app: App, req: IncomingMessage, socket: Duplex, err: WegoError): void {
    // The path only: a query may carry a token.
    const ctx = app.context({ transport: "ws", route: (req.url ?? "").split("?")[0] as string, meta: req.headers, id: headerId(req) });
    refuseUpgrade(socket, upgradeStatusOf(err.code), JSON.stringify(app.envelope.error(err, ctx, !app.production)));
  }

  function accept(r: Running, req: IncomingMessage, socket: Duplex, head: Buffer, identity: WsIdentity | undefined): void {
    r.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!accepting || host === undefined) {
        ws.close(CloseCode.GoingAway, "server shutting down");
        return;
      }
      hub.add(new WsConnection(host, ws, socket, req, randomUUID(), identity));
    });
  }

  function onUpgrade(
    r: Running,
    auth: WsAuthFn | undefined,
    checkOrigin: (req: IncomingMessage) => boolean,
    tokenQuery: string | undefined,
  ) {
    const app = r.app;
    return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (!accepting) refuse(app, req, socket, wsError("WEGO_ERR_WS_NOT_ACCEPTING"));
      else if (!checkOrigin(req)) refuse(app, req, socket, wsError("WEGO_ERR_WS_ORIGIN_FORBIDDEN", req.headers.origin));
      else if (auth === undefined) accept(r, req, socket, head, undefined);
      else authenticate(r, auth, tokenQuery, req, socket, head);
    };
  }

  function authenticate(
    r: Running,
    auth: WsAuthFn,
    tokenQuery: string | undefined,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    const app = r.app;
    // The socket has no error listener while we wait (node removed its own).
    const swallow = (): void => {};
    socket.on("error", swallow);
    const settle = (identity: WsIdentity | undefined, err?: unknown): void => {
      socket.off("error", swallow);
      if (socket.destroyed) return;
      if (err instanceof WegoError) refuse(app, req, socket, err);
      else if (err !== undefined) {
        // A verifier's own error (bad signature, expired…): a 401 that says no more.
        app.log.debug({ err }, "ws upgrade authentication failed");
        refuse(app, req, socket, wsError("WEGO_ERR_WS_UNAUTHENTICATED", "invalid credentials"));
      } else if (identity === undefined) refuse(app, req, socket, wsError("WEGO_ERR_WS_UNAUTHENTICATED", "authentication required"));
      else if (!accepting) refuse(app, req, socket, wsError("WEGO_ERR_WS_NOT_ACCEPTING"));
      else accept(r, req, socket, head, identity);
    };
    Promise.resolve()
      .then(() => auth(req, tokenOf(req, tokenQuery)))
      .then(settle, (err: unknown) => settle(undefined, err ?? new Error("authentication failed")));
  }

  /** Resolves when `check()` holds, re-tested on each `host[event]`, or at the signal. */
  function until(event: "onIdle" | "onClosed", check: () => boolean, signal: AbortSignal): Promise<void> {
    if (check() || signal.aborted || host === undefined) return Promise.resolve();
    const h = host;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        h[event] = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      };
      h[event] = () => {
        if (check()) done();
      };
      signal.addEventListener("abort", done, { once: true });
    });
  }

  return {
    route(name, target) {
      if (targets.has(name)) throw wsError("WEGO_ERR_WS_ROUTE_DUPLICATE", name);
      targets.set(name, target);
      return this;
    },

    routes(): RouteInfo[] {
      return [...targets].map(([route, t]) => ({
        route,
        handler: routes.get(route)?.name ?? targetName(t),
      }));
    },

    get port() {
      const address = running?.server.address();
      return address !== null && typeof address === "object" ? (address as AddressInfo).port : undefined;
    },

    get connections() {
      return hub.size;
    },

    async start(app) {
      const cfg = app.config;
      for (const [name, target] of targets) routes.set(name, app.resolve(target, name));
      const path = options.path ?? cfg.get("ws.path", "/ws");
      const maxPayload = positive("maxPayload", options.maxPayload ?? cfg.get("ws.maxPayload", 1024 * 1024));
      host = {
        app,
        routes,
        hub,
        maxInFlight: positive("maxInFlight", options.maxInFlight ?? cfg.get("ws.maxInFlight", 32)),
        maxInvalidFrames: Math.max(0, options.maxInvalidFrames ?? cfg.get("ws.maxInvalidFrames", 10)),
        sendHighWater: positive("sendHighWater", options.sendHighWater ?? cfg.get("ws.sendHighWater", 1024 * 1024)),
        sendLimit: positive("sendLimit", options.sendLimit ?? cfg.get("ws.sendLimit", 16 * 1024 * 1024)),
        jwtClaims: typeof options.auth === "object",
        inflight: 0,
        onIdle: undefined,
        onClosed: undefined,
      };
      const closeTimeout = Math.max(0, options.closeTimeout ?? cfg.get("ws.closeTimeout", 3000));
      const checkOrigin = originCheck(options.origins ?? configuredOrigins(cfg.get<string[]>("ws.origins", [])));
      const tokenQuery = options.tokenQuery ?? (cfg.get("ws.tokenQuery", "") || undefined);
      const auth = options.auth === undefined ? undefined : authenticator(options.auth, app);

      if (options.pubsub) {
        const channel = options.channel ?? cfg.get("ws.channel", `wego:ws:${app.name}${path}`);
        const pubsub = typeof options.pubsub === "function" ? options.pubsub(app) : options.pubsub;
        bus = pubSubBus(hub, pubsub, channel, (m) => app.log.warn({ channel, message: m.slice(0, 80) }, "ws: not a push message"));
      }

      let server: Server;
      const own = options.attach === undefined;
      if (own) {
        server = createServer((_req, res) => {
          res.writeHead(426, { "content-type": "text/plain", connection: "close", upgrade: "websocket" });
          res.end("a WebSocket endpoint: upgrade required\n");
        });
      } else {
        const s = options.attach?.server;
        if (s === undefined)
          throw wsError("WEGO_ERR_WS_ATTACH", "it has no server yet (register and start the HTTP router before this one)");
        server = s;
      }
      // closeTimeout (ws ≥ 8.19) bounds a close handshake the peer never answers; @types/ws lacks it.
      const wssOptions: ServerOptions & { closeTimeout: number } = {
        noServer: true,
        maxPayload,
        clientTracking: false,
        perMessageDeflate: false,
        closeTimeout,
      };
      const wss = new WebSocketServer(wssOptions);
      const r: Running = { app, server, own, wss, unmount: () => {}, heartbeat: undefined, closeTimeout };
      try {
        await bus.start();
        r.unmount = mountUpgrade(server, path, onUpgrade(r, auth, checkOrigin, tokenQuery));
        if (own) await listen(server, options.port ?? cfg.get("ws.port", 8342), options.host ?? cfg.get("ws.host", "127.0.0.1"));
      } catch (err) {
        r.unmount();
        await bus.stop().catch(() => {});
        throw err;
      }
      const interval = options.heartbeatInterval ?? cfg.get("ws.heartbeatInterval", 30_000);
      if (interval > 0) {
        r.heartbeat = setInterval(() => {
          for (const conn of hub.members()) conn.heartbeat();
        }, interval);
        r.heartbeat.unref();
      }
      running = r;
      accepting = true;
      app.log.debug({ path, port: this.port, attached: !own }, "ws router listening");
    },

    async stop({ signal }: StopOptions) {
      const r = running;
      if (r === undefined) return;
      accepting = false;
      // 1. Stop accepting: no new upgrades (the own server stops listening).
      const serverClosed = r.own ? new Promise<void>((resolve) => r.server.close(() => resolve())) : undefined;
      clearInterval(r.heartbeat);
      // 2. Let in-flight requests answer (new frames get `unavailable`: the app is stopping).
      await until("onIdle", () => (host?.inflight ?? 0) === 0, signal);
      // 3. Close every connection with 1001; terminate what has not closed by the close timeout or the deadline.
      for (const conn of hub.members()) conn.close(CloseCode.GoingAway, "server shutting down");
      const grace = AbortSignal.any([signal, AbortSignal.timeout(r.closeTimeout)]);
      await until("onClosed", () => hub.size === 0, grace);
      if (hub.size > 0) {
        for (const conn of hub.members()) conn.terminate();
        // A destroyed socket reports its close on a later tick.
        await until("onClosed", () => hub.size === 0, AbortSignal.any([signal, AbortSignal.timeout(1000)]));
      }
      r.unmount();
      await bus.stop().catch((err: unknown) => r.app.log.warn({ err }, "ws: unsubscribing from the broker failed"));
      if (serverClosed !== undefined) {
        r.server.closeAllConnections();
        await serverClosed;
      }
      running = undefined;
    },

    sendTo: (connectionId, message) => push("connection", connectionId, message),
    sendToUser: (userId, message) => push("user", userId, message),
    sendToRoom: (room, message) => push("room", room, message),
    broadcast: (message) => push("all", "", message),
    join: (connectionId, room) => bus.send("join", connectionId, room),
    leave: (connectionId, room) => bus.send("leave", connectionId, room),

    close(connectionId, code, reason) {
      const conn = hub.get(connectionId);
      if (conn === undefined) return false;
      conn.close(code, reason);
      return true;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function positive(name: string, n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw wsError("WEGO_ERR_WS_OPTION", `${name} must be a positive number, got ${n}`);
  return n;
}

/** `ws.origins` from config: a comma list; empty means the same-origin default. */
function configuredOrigins(list: string[]): OriginPolicy | undefined {
  if (list.length === 0) return undefined;
  return list.includes("*") ? "*" : list;
}

function headerId(req: IncomingMessage): string | undefined {
  const v = req.headers["x-request-id"];
  return typeof v === "string" && v.length > 0 && v.length <= 128 ? v : undefined;
}
