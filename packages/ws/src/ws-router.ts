import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type App, type PubSub, type StopOptions, WegoError } from "@wego/core";
import {
  createDispatcher,
  createRouteTable,
  createTlsSource,
  type Dispatcher,
  type RouteInfo,
  type Router,
  type RouteTarget,
  type TlsSource,
} from "@wego/core/transport";
import { type ServerOptions, WebSocketServer } from "ws";
import { CloseCode, wsCodes } from "./code-map.js";
import { type ConnectionHost, WsConnection } from "./connection.js";
import { wsError } from "./errors.js";
import { encodeMessage } from "./frame.js";
import { handshakeProblem } from "./handshake.js";
import { type Settings, settingsOf, type WsRouterOptions } from "./options.js";
import { createOwnServer, invocationOf } from "./own-server.js";
import { localBus, type PushBus, pubSubBus } from "./push-bus.js";
import { PushHub } from "./push-hub.js";
import { tokenOf, type WsIdentity } from "./upgrade-auth.js";
import { answerAndClose, mountUpgrade, pathOf } from "./upgrade-dispatch.js";

export type { AttachTarget, WsRouterOptions } from "./options.js";

/**
 * The WebSocket router: routes for frames, the push API, and its connections.
 * `R` maps route names to targets at the type level only (typed clients read it).
 */
export interface WsRouter<R extends object = Record<never, never>> extends Router {
  /**
   * Map a frame's `route` to a handler: a registered handler's name, a typed
   * handler (`defineHandler`) or an endpoint. Before start only: a late or a
   * duplicate route throws `WEGO_ERR_ROUTE_LATE` / `WEGO_ERR_ROUTE_DUPLICATE`.
   */
  route<K extends string, T extends RouteTarget>(name: K, target: T): WsRouter<R & { [P in K]: T }>;
  /** Type-level only (never set): the typed routes, for typed clients. */
  readonly "~routes"?: R;
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
  /** Take a connection (on any instance) out of a room. */
  leave(connectionId: string, room: string): Promise<void>;
  /** Close one local connection (default 1000); false when it is not on this instance. */
  close(connectionId: string, code?: number, reason?: string): boolean;
}

interface Running {
  app: App;
  d: Dispatcher;
  settings: Settings;
  server: Server;
  own: boolean;
  wss: WebSocketServer;
  host: ConnectionHost;
  unmount: () => void;
  heartbeat: NodeJS.Timeout | undefined;
  tls: TlsSource | undefined;
}

/**
 * The WebSocket router. Clients send JSON text frames
 * `{ "id", "route", "data", "requestId"?, "timeoutMs"? }`; each is answered
 * with the app's envelope plus the same `id`:
 * `{ "id", "code": "ok", "message", "data", "requestId" }`. Several frames
 * per connection run at once; an application error is an error frame and
 * the connection stays open; only protocol abuse closes it. On its own port
 * every plain HTTP request is answered with the envelope too (`/health`,
 * `/ready`, 426 on the upgrade path, 404 elsewhere).
 *
 * @example
 * const ws = createWsRouter({ auth: async (req, token) => (token === "t" ? { userId: "u1" } : undefined) })
 *   .route("chat.send", "chat.send");
 * app.router("ws", ws);
 * // later, from anywhere: await ws.sendToUser("u1", { route: "chat.message", data: { text: "hi" } });
 */
export function createWsRouter(options: WsRouterOptions = {}): WsRouter {
  const table = createRouteTable("ws");
  const hub = new PushHub<WsConnection>();
  let bus: PushBus = localBus(hub);
  let running: Running | undefined;
  let accepting = false;

  const push = (kind: "connection" | "user" | "room" | "all", key: string, message: unknown): Promise<void> => {
    let text: string;
    try {
      text = encodeMessage(message);
    } catch (err) {
      return Promise.reject(err);
    }
    return bus.send(kind, key, text);
  };

  /** Refuse an upgrade with the envelope (and a request id) before it becomes a WebSocket. */
  function refuse(d: Dispatcher, req: IncomingMessage, socket: Duplex, err: WegoError, headers?: Readonly<Record<string, string>>): void {
    // The path only: a query may carry a token.
    d.refuse(pathOf(req.url), invocationOf(req), err, (ctx, e) =>
      answerAndClose(socket, wsCodes.toWire(e ?? err), d.encode(ctx, e, undefined), ctx.id, headers),
    );
  }

  function accept(r: Running, req: IncomingMessage, socket: Duplex, head: Buffer, identity: WsIdentity | undefined): void {
    r.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!accepting) {
        ws.close(CloseCode.GoingAway, "server shutting down");
        return;
      }
      hub.add(new WsConnection(r.host, ws, socket, req, randomUUID(), identity));
    });
  }

  function onUpgrade(r: Running) {
    const { d, settings } = r;
    return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const bad = accepting ? handshakeProblem(req) : undefined;
      if (!accepting) refuse(d, req, socket, wsError("WEGO_ERR_WS_NOT_ACCEPTING"));
      else if (bad !== undefined) refuse(d, req, socket, wsError("WEGO_ERR_WS_HANDSHAKE_INVALID", bad.problem), bad.headers);
      else if (!settings.checkOrigin(req)) refuse(d, req, socket, wsError("WEGO_ERR_WS_ORIGIN_FORBIDDEN", req.headers.origin));
      else if (settings.auth === undefined) accept(r, req, socket, head, undefined);
      else authenticate(r, req, socket, head);
    };
  }

  function authenticate(r: Running, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { d, app, settings } = r;
    const auth = settings.auth as NonNullable<Settings["auth"]>;
    // The socket has no error listener while we wait (node removed its own).
    const swallow = (): void => {};
    socket.on("error", swallow);
    const settle = (identity: WsIdentity | undefined, err?: unknown): void => {
      socket.off("error", swallow);
      if (socket.destroyed) return;
      if (err instanceof WegoError) refuse(d, req, socket, err);
      else if (err !== undefined) {
        // A verifier's own error (bad signature, expired…): a 401 that says no more.
        app.log.debug({ err }, "ws upgrade authentication failed");
        refuse(d, req, socket, wsError("WEGO_ERR_WS_UNAUTHENTICATED", "invalid credentials"));
      } else if (identity === undefined) refuse(d, req, socket, wsError("WEGO_ERR_WS_UNAUTHENTICATED", "authentication required"));
      else if (!accepting) refuse(d, req, socket, wsError("WEGO_ERR_WS_NOT_ACCEPTING"));
      else accept(r, req, socket, head, identity);
    };
    Promise.resolve()
      .then(() => auth(req, tokenOf(req, settings.tokenQuery)))
      .then(settle, (err: unknown) => settle(undefined, err ?? new Error("authentication failed")));
  }

  /** Resolves when every connection has closed, or at the signal. */
  function allClosed(h: ConnectionHost, signal: AbortSignal): Promise<void> {
    if (hub.size === 0 || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        h.onClosed = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      };
      h.onClosed = () => {
        if (hub.size === 0) done();
      };
      signal.addEventListener("abort", done, { once: true });
    });
  }

  return {
    route(name, target) {
      table.add(name, target, undefined);
      return this as never;
    },

    routes(): RouteInfo[] {
      return table.routes();
    },

    get port() {
      const address = running?.server.address();
      return address !== null && typeof address === "object" ? (address as AddressInfo).port : undefined;
    },

    get connections() {
      return hub.size;
    },

    async start(app) {
      table.start(app);
      const settings = settingsOf(options, app);
      const d = createDispatcher(app, { transport: "ws" });
      const host: ConnectionHost = {
        log: app.log,
        dispatcher: d,
        routes: table,
        hub,
        maxInFlight: settings.maxInFlight,
        maxInvalidFrames: settings.maxInvalidFrames,
        sendHighWater: settings.sendHighWater,
        sendLimit: settings.sendLimit,
        jwtClaims: typeof options.auth === "object",
        expired: false,
        onClosed: undefined,
      };
      if (options.pubsub) {
        const channel = options.channel ?? app.config.get("ws.channel", `wego:ws:${app.name}${settings.path}`);
        const pubsub: PubSub = typeof options.pubsub === "function" ? options.pubsub(app) : options.pubsub;
        bus = pubSubBus(hub, pubsub, channel, (m) => app.log.warn({ channel, message: m.slice(0, 80) }, "ws: not a push message"));
      }

      const own = options.attach === undefined;
      let server: Server;
      const onReloadError = (err: unknown): void => app.log.warn({ err }, "ws: TLS reload failed, keeping the previous certificate");
      const tls = own && settings.tls ? createTlsSource(settings.tls, "server", onReloadError) : undefined;
      if (own) {
        server = createOwnServer({
          tls,
          app,
          dispatcher: d,
          path: settings.path,
          health: settings.health,
          ready: settings.ready,
          accepting: () => accepting,
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
        maxPayload: settings.maxPayload,
        clientTracking: false,
        perMessageDeflate: false,
        closeTimeout: settings.closeTimeout,
      };
      const wss = new WebSocketServer(wssOptions);
      const r: Running = { app, d, settings, server, own, wss, host, unmount: () => {}, heartbeat: undefined, tls };
      // What ws itself finds wrong in a handshake that passed ours (a bad Sec-WebSocket-Protocol…): the envelope, not ws's HTML.
      wss.on("wsClientError", (err: Error, socket: Duplex, req: IncomingMessage) =>
        refuse(d, req, socket, wsError("WEGO_ERR_WS_HANDSHAKE_INVALID", err.message)),
      );
      const unknownPath = (req: IncomingMessage, socket: Duplex): void =>
        refuse(d, req, socket, wsError("WEGO_ERR_WS_PATH_UNKNOWN", `${req.method} ${pathOf(req.url)}`));
      try {
        await bus.start();
        r.unmount = mountUpgrade(server, settings.path, onUpgrade(r), unknownPath);
        if (own) await listen(server, settings.port, settings.host);
      } catch (err) {
        r.unmount();
        tls?.close();
        await bus.stop().catch(() => {});
        throw err;
      }
      if (settings.heartbeatInterval > 0) {
        r.heartbeat = setInterval(() => {
          for (const conn of hub.members()) conn.heartbeat();
        }, settings.heartbeatInterval);
        r.heartbeat.unref();
      }
      running = r;
      accepting = true;
      app.log.debug({ path: settings.path, port: this.port, attached: !own }, "ws router listening");
    },

    async stop({ signal }: StopOptions) {
      const r = running;
      if (r === undefined) return;
      accepting = false;
      // 1. Stop accepting: no new upgrades (the own server stops listening; an attached one answers 503).
      const serverClosed = r.own ? new Promise<void>((resolve) => r.server.close(() => resolve())) : undefined;
      clearInterval(r.heartbeat);
      r.tls?.close();
      // 2. Drain: frames already read are served, new ones answered `unavailable`; at the deadline the
      //    dispatcher answers what still runs `unavailable`, and frames still queued are refused the same.
      const expire = (): void => {
        r.host.expired = true;
      };
      if (signal.aborted) expire();
      else signal.addEventListener("abort", expire, { once: true });
      await r.d.drain(signal);
      signal.removeEventListener("abort", expire);
      if (r.host.expired) for (const conn of hub.members()) conn.expire();
      // 3. Close every connection with 1001; terminate what has not closed by the close timeout or the deadline.
      for (const conn of hub.members()) conn.close(CloseCode.GoingAway, "server shutting down");
      await allClosed(r.host, AbortSignal.any([signal, AbortSignal.timeout(r.settings.closeTimeout)]));
      if (hub.size > 0) {
        for (const conn of hub.members()) conn.terminate();
        // A destroyed socket reports its close on a later tick.
        await allClosed(r.host, AbortSignal.any([signal, AbortSignal.timeout(1000)]));
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
