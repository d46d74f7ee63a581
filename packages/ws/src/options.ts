import type { IncomingMessage, Server } from "node:http";
import type { App, PubSub } from "@wego/core";
import { type TlsOptions, tlsFromConfig } from "@wego/core/transport";
import { wsError } from "./errors.js";
import { type OriginPolicy, originCheck } from "./origin.js";
import { authenticator, type WsAuth, type WsAuthFn } from "./upgrade-auth.js";

/** Anything holding a started node `http.Server`, such as the `@wego/http` router. */
export interface AttachTarget {
  readonly server?: Server | undefined;
}

/** Options of {@link createWsRouter}: each wins over its config key (`ws.*`), which wins over the default. */
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
   * Liveness probe path on the own port (config `ws.health`, default
   * `/health`; `false` to switch off): 200 `{status:"serving"}` in the
   * envelope. Not served with `attach` (the HTTP router has its own).
   */
  health?: string | false;
  /**
   * Readiness probe path on the own port (config `ws.ready`, default
   * `/ready`; `false` to switch off): 200 with `app.readiness()`, 503
   * `WEGO_ERR_WS_NOT_READY` while starting or stopping or when a check fails.
   */
  ready?: string | false;
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
  /**
   * Serve `wss://` on the own port: `cert`, `key` (PEM or file paths,
   * reloaded when the files change), `ca` and `requestCert` for mutual TLS.
   * Config `ws.tls.*`; default cleartext. With `attach`, the HTTP router's TLS applies.
   */
  tls?: TlsOptions | false;
}

/** The options in force, from the code's options over config over defaults; bad values fail the start. */
export interface Settings {
  path: string;
  port: number;
  host: string;
  health: string | undefined;
  ready: string | undefined;
  maxPayload: number;
  maxInFlight: number;
  maxInvalidFrames: number;
  sendHighWater: number;
  sendLimit: number;
  heartbeatInterval: number;
  closeTimeout: number;
  checkOrigin: (req: IncomingMessage) => boolean;
  tokenQuery: string | undefined;
  auth: WsAuthFn | undefined;
  tls: TlsOptions | undefined;
}

/** Resolve `options` against `app`'s config (at start). */
export function settingsOf(options: WsRouterOptions, app: App): Settings {
  const cfg = app.config;
  return {
    path: options.path ?? cfg.get("ws.path", "/ws"),
    port: options.port ?? cfg.get("ws.port", 8342),
    host: options.host ?? cfg.get("ws.host", "127.0.0.1"),
    health: probePath(app, "health", options.health),
    ready: probePath(app, "ready", options.ready),
    maxPayload: positive("maxPayload", options.maxPayload ?? cfg.get("ws.maxPayload", 1024 * 1024)),
    maxInFlight: positive("maxInFlight", options.maxInFlight ?? cfg.get("ws.maxInFlight", 32)),
    maxInvalidFrames: Math.max(0, options.maxInvalidFrames ?? cfg.get("ws.maxInvalidFrames", 10)),
    sendHighWater: positive("sendHighWater", options.sendHighWater ?? cfg.get("ws.sendHighWater", 1024 * 1024)),
    sendLimit: positive("sendLimit", options.sendLimit ?? cfg.get("ws.sendLimit", 16 * 1024 * 1024)),
    heartbeatInterval: options.heartbeatInterval ?? cfg.get("ws.heartbeatInterval", 30_000),
    closeTimeout: Math.max(0, options.closeTimeout ?? cfg.get("ws.closeTimeout", 3000)),
    checkOrigin: originCheck(options.origins ?? configuredOrigins(cfg.get<string[]>("ws.origins", []))),
    tokenQuery: options.tokenQuery ?? (cfg.get("ws.tokenQuery", "") || undefined),
    auth: options.auth === undefined ? undefined : authenticator(options.auth, app),
    tls: options.tls === false ? undefined : (options.tls ?? tlsFromConfig(cfg, "ws")),
  };
}

function positive(name: string, n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw wsError("WEGO_ERR_WS_OPTION", `${name} must be a positive number, got ${n}`);
  return n;
}

/** A probe's path: the option, else config `ws.<name>`, else `/<name>`; `false` (or "false", "") switches it off. */
function probePath(app: App, name: "health" | "ready", option: string | false | undefined): string | undefined {
  const value = option ?? app.config.get<string | boolean>(`ws.${name}`, `/${name}`);
  if (value === false || value === "false" || value === "") return undefined;
  if (value === true || value === "true") return `/${name}`;
  if (typeof value !== "string" || !value.startsWith("/"))
    throw wsError("WEGO_ERR_WS_OPTION", `${name} must be a path starting with "/" or false, got ${String(value)}`);
  return value;
}

/** `ws.origins` from config: a comma list; empty means the same-origin default. */
function configuredOrigins(list: string[]): OriginPolicy | undefined {
  if (list.length === 0) return undefined;
  return list.includes("*") ? "*" : list;
}
