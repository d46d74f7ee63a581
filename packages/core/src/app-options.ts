import type { Logger } from "pino";
import type { Config, ConfigOptions } from "./config.js";
import type { Envelope } from "./envelope.js";
import type { LoggerOptions } from "./logger.js";
import type { CacheStore, WorkerIdLease } from "./ports.js";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The app's name (logs, metrics, cache prefix); default config `name`, else "wego". */
  name?: string;
  /** Config layers, or a ready Config. */
  config?: ConfigOptions | Config;
  /** A pino logger, options for one, or false for silence. */
  logger?: Logger | LoggerOptions | false;
  /** Response body shape; default `defaultEnvelope`. */
  envelope?: Envelope;
  /** Production hides internal error messages; default `NODE_ENV === "production"`. */
  production?: boolean;
  /** Stop on SIGINT/SIGTERM and set the exit code. Default false (tests); true in a main(). */
  handleSignals?: boolean;
  /** Drain deadline on stop in ms (config `shutdownTimeout`, default 10 000). */
  shutdownTimeout?: number;
  /** Request id generator; default 21 characters of nanoid's URL-safe alphabet (`newRequestId`). */
  requestId?: () => string;
  /**
   * Leases the snowflake worker id at start (e.g. `@wego/redis`), so instances
   * never share one; without it, config `id.workerId` (default 0).
   * Same as calling `app.useWorkerIdLease(lease)` in a provider's `register`.
   */
  workerIdLease?: WorkerIdLease;
  /** The shared tier of `app.cache` (e.g. Redis); same as `app.useCacheStore(store)`. */
  cacheStore?: CacheStore;
}

/** Where an app is in its life: `start()` moves idle → starting → running, `stop()` running → stopping → stopped. */
export type AppState = "idle" | "starting" | "running" | "stopping" | "stopped";

/** A readiness check: resolve true/ok, false or throw for not ready. */
export type Check = () => unknown;

/** What `app.readiness()` reports (and `/ready` serves). */
export interface Readiness {
  ready: boolean;
  state: AppState;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** Options of `app.start()`. */
export interface StartOptions {
  /** Routers to start; default `--server` / `WEGO_SERVER` (comma list), else all. */
  servers?: readonly string[];
}
