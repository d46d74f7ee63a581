import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Cache } from "./cache/cache.js";
import type { Config } from "./config.js";
import type { ContextKey } from "./context-key.js";
import type { Envelope } from "./envelope.js";
import type { Snowflake } from "./id/snowflake.js";

/**
 * What an invocation may use of its app: configuration, logging, metrics,
 * ids, the cache and app-wide values. Not its lifecycle: a handler cannot
 * start or stop the app, register handlers or add routers.
 */
export interface AppView {
  /** The app's name (`createApp({ name })` or config `name`). */
  readonly name: string;
  /** The app's layered configuration. */
  readonly config: Config;
  /** The app's root logger; `ctx.log` is a child of it. */
  readonly log: Logger;
  /** The response body shape every transport sends. */
  readonly envelope: Envelope;
  /** Production hides internal error messages from callers. */
  readonly production: boolean;
  /** This app's Prometheus registry (prom-client); `/metrics` routes serve it. */
  readonly metrics: Registry;
  /** This app's snowflake generator. */
  readonly ids: Snowflake;
  /** A new snowflake id as a decimal string. */
  id(): string;
  /** This app's cache. */
  readonly cache: Cache;
  /** An app-wide typed value (a client, a pool…), or the key's default. */
  get<T>(key: ContextKey<T>): T;
}
