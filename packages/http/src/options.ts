import type { App } from "@wego/core";
import { type TlsOptions, tlsFromConfig } from "@wego/core/transport";
import { type Cors, type CorsOptions, createCors } from "./cors.js";
import { httpError } from "./errors.js";

/** Options of {@link createHttpRouter}; each falls back to config `http.<name>`, then to the default shown. */
export interface HttpRouterOptions {
  /** Port; `0` picks a free one (read it back from `router.port`). Config `http.port`, default 8341. */
  port?: number;
  /** Interface to bind. Config `http.host`, default "127.0.0.1". */
  host?: string;
  /** Largest request body in bytes; larger ones get 413. Config `http.bodyLimit`, default 1 MiB. */
  bodyLimit?: number;
  /** Time a client has to send the request headers (slowloris guard), ms. Config `http.headersTimeout`, default 10 000. */
  headersTimeout?: number;
  /** Time a client has to send the whole request, ms. Config `http.requestTimeout`, default 30 000. */
  requestTimeout?: number;
  /** Idle time before a keep-alive connection is closed, ms. Config `http.keepAliveTimeout`, default 5 000. */
  keepAliveTimeout?: number;
  /**
   * On stop, how long idle keep-alive connections stay open, ms: a request
   * arriving on one is still served (with `connection: close`) instead of
   * meeting a closed socket, so busy clients retire their connections
   * cleanly. Config `http.drainIdle`, default 1 000; 0 closes them at once.
   */
  drainIdle?: number;
  /** How often node checks the two timeouts above, ms. Default min(1 000, headersTimeout / 2). */
  connectionsCheckingInterval?: number;
  /** Largest request head (request line + headers) in bytes; larger gets 431. Default node's 16 KiB. */
  maxHeaderSize?: number;
  /**
   * Deadline for each invocation, ms (`ctx.signal` fires and the answer is 504
   * if the handler honours it). Config `http.timeout`, default none. A caller
   * may ask for a shorter one with `x-request-timeout: <ms>`.
   */
  timeout?: number;
  /** CORS allow-list; default none (no CORS headers, preflights get 404/405). */
  cors?: CorsOptions | false;
  /** Liveness route path, or false. Config `http.health`, default "/health". */
  health?: string | false;
  /** Readiness route path (503 while starting or draining), or false. Config `http.ready`, default "/ready". */
  ready?: string | false;
  /** Prometheus route path serving `app.metrics`, or false. Config `http.metrics`, default "/metrics". */
  metrics?: string | false;
  /** Match paths case-insensitively. Default false (RFC 3986). */
  caseInsensitive?: boolean;
  /** Treat `/a/` as `/a`. Default true. */
  ignoreTrailingSlash?: boolean;
  /** Longest path parameter in characters; longer ones don't match (404). Default 200. */
  maxParamLength?: number;
  /**
   * Serve HTTPS: `cert`, `key` (PEM or file paths, reloaded when the files
   * change), `ca` and `requestCert` for mutual TLS. Config `http.tls.*`;
   * default cleartext. `false` forces cleartext whatever the config says.
   */
  tls?: TlsOptions | false;
}

/** Options after config and defaults were applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  bodyLimit: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  drainIdle: number;
  connectionsCheckingInterval: number;
  maxHeaderSize: number | undefined;
  timeout: number;
  cors: Cors | undefined;
  health: string | undefined;
  ready: string | undefined;
  metrics: string | undefined;
  caseInsensitive: boolean;
  ignoreTrailingSlash: boolean;
  maxParamLength: number;
  tls: TlsOptions | undefined;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw httpError("WEGO_ERR_HTTP_CONFIG", name, `must be a non-negative number, got ${value}`);
  return value;
}

function path(app: App, name: "health" | "ready" | "metrics", option: string | false | undefined, fallback: string): string | undefined {
  const value = option ?? app.config.get<string | boolean>(`http.${name}`, fallback);
  if (value === false || value === "false" || value === "") return undefined;
  if (value === true || value === "true") return fallback;
  if (typeof value !== "string" || !value.startsWith("/"))
    throw httpError("WEGO_ERR_HTTP_CONFIG", name, `must be a path starting with "/" or false, got ${String(value)}`);
  return value;
}

/** CORS from the option, else from config `http.cors.origins` (a list) and `http.cors.credentials`. */
function corsOf(app: App, option: CorsOptions | false | undefined): Cors | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return createCors(option);
  const origins = app.config.get<string[]>("http.cors.origins", []);
  if (origins.length === 0) return undefined;
  return createCors({ origins, credentials: app.config.get("http.cors.credentials", false) });
}

/** Apply config (`http.*`) and defaults; options passed in code win. */
export function resolveOptions(app: App, o: HttpRouterOptions): ResolvedOptions {
  const cfg = <T>(key: string, fallback: T): T => app.config.get<T>(`http.${key}`, fallback);
  const headersTimeout = nonNegative("headersTimeout", o.headersTimeout ?? cfg("headersTimeout", 10_000));
  const requestTimeout = nonNegative("requestTimeout", o.requestTimeout ?? cfg("requestTimeout", 30_000));
  if (requestTimeout !== 0 && headersTimeout > requestTimeout) {
    throw httpError("WEGO_ERR_HTTP_CONFIG", "headersTimeout", `(${headersTimeout}) must not exceed requestTimeout (${requestTimeout})`);
  }
  const port = o.port ?? cfg("port", 8341);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw httpError("WEGO_ERR_HTTP_CONFIG", "port", `must be an integer 0-65535, got ${port}`);
  const maxHeaderSize = o.maxHeaderSize ?? (app.config.has("http.maxHeaderSize") ? cfg("maxHeaderSize", 16_384) : undefined);
  return {
    port,
    host: o.host ?? cfg("host", "127.0.0.1"),
    bodyLimit: nonNegative("bodyLimit", o.bodyLimit ?? cfg("bodyLimit", 1024 * 1024)),
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: nonNegative("keepAliveTimeout", o.keepAliveTimeout ?? cfg("keepAliveTimeout", 5_000)),
    drainIdle: nonNegative("drainIdle", o.drainIdle ?? cfg("drainIdle", 1_000)),
    connectionsCheckingInterval: nonNegative(
      "connectionsCheckingInterval",
      o.connectionsCheckingInterval ??
        cfg("connectionsCheckingInterval", Math.max(10, Math.min(1_000, Math.floor((headersTimeout || 2_000) / 2)))),
    ),
    maxHeaderSize: maxHeaderSize === undefined ? undefined : nonNegative("maxHeaderSize", maxHeaderSize),
    timeout: nonNegative("timeout", o.timeout ?? cfg("timeout", 0)),
    cors: corsOf(app, o.cors),
    health: path(app, "health", o.health, "/health"),
    ready: path(app, "ready", o.ready, "/ready"),
    metrics: path(app, "metrics", o.metrics, "/metrics"),
    caseInsensitive: o.caseInsensitive ?? cfg("caseInsensitive", false),
    ignoreTrailingSlash: o.ignoreTrailingSlash ?? cfg("ignoreTrailingSlash", true),
    maxParamLength: nonNegative("maxParamLength", o.maxParamLength ?? cfg("maxParamLength", 200)),
    tls: o.tls === false ? undefined : (o.tls ?? tlsFromConfig(app.config, "http")),
  };
}
