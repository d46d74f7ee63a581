import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { App, Config, ContextKey, Provider } from "@wego/core";
import { createContextKey } from "@wego/core";
import { Context } from "@wego/core/transport";
import { Redis, type RedisOptions } from "ioredis";
import { redisError } from "./errors.js";
import { createRedisCacheStore } from "./redis-cache-store.js";
import { createRedisWorkerIdLease, type RedisWorkerIdLeaseOptions } from "./redis-worker-id-lease.js";

/** Where the app keeps its shared Redis client: `app.get(redisKey)`, or `redis(app)`. */
export const redisKey: ContextKey<Redis | undefined> = createContextKey<Redis>("wego.redis");

export interface RedisProviderOptions {
  /** `redis://[user:pass@]host:port/db` or `rediss://…` (TLS). Config `redis.url`. */
  url?: string;
  /** Config `redis.host`, default 127.0.0.1. */
  host?: string;
  /** Config `redis.port`, default 6379. */
  port?: number;
  /** Config `redis.username`. */
  username?: string;
  /** Config `redis.password` (no default: the original's "password" default is gone). */
  password?: string;
  /** Database index; config `redis.db`, default 0. */
  db?: number;
  /** `true` or node TLS options; config `redis.tls` (boolean). A `rediss://` URL turns it on too. */
  tls?: boolean | TlsOptions;
  /** Prefix ioredis puts before every key; config `redis.keyPrefix`. */
  keyPrefix?: string;
  /** Any other ioredis option (retryStrategy, connectTimeout…); the fields above win. */
  options?: RedisOptions;
  /** Use this client instead of opening one (it is still quit on shutdown unless `quitOnShutdown: false`). */
  client?: Redis;
  /** Quit the client when the app stops; default true. */
  quitOnShutdown?: boolean;
  /** Config section to read, default `redis`; for a second connection use e.g. `redis.cache` with its own `key`. */
  section?: string;
  /** App key to store the client under; default {@link redisKey}. */
  key?: ContextKey<Redis | undefined>;
  /** Readiness check name; default the section name. */
  checkName?: string;
  /** How long start waits for the first connection, in ms; default 5 000. */
  connectTimeout?: number;
  /**
   * Lease `app.ids`' snowflake worker id from this Redis (`app.useWorkerIdLease`),
   * so instances never share one; options go to `createRedisWorkerIdLease`.
   */
  workerIdLease?: boolean | RedisWorkerIdLeaseOptions;
  /**
   * Make this Redis the shared tier of `app.cache` (`app.useCacheStore`). The
   * cache already prefixes its keys (config `cache.prefix`), so the store adds
   * `prefix` only (default none).
   */
  cacheStore?: boolean | { prefix?: string };
}

/**
 * ioredis options from code options layered over `app.config` (`redis.*`).
 * Exported for transports that open their own connections (BullMQ, subscribers).
 */
export function resolveRedisOptions(
  config: Config,
  options: RedisProviderOptions = {},
): { url: string | undefined; options: RedisOptions } {
  const s = options.section ?? "redis";
  const url = options.url ?? config.get<string>(`${s}.url`, "");
  const out: RedisOptions = { ...options.options };
  const pick = <T>(name: string, own: T | undefined, fallback: T): T | undefined =>
    own !== undefined ? own : config.has(`${s}.${name}`) ? config.get<T>(`${s}.${name}`, fallback) : undefined;
  const host = pick("host", options.host, "");
  const port = pick("port", options.port, 0);
  const username = pick("username", options.username, "");
  const password = pick("password", options.password, "");
  const db = pick("db", options.db, 0);
  const keyPrefix = pick("keyPrefix", options.keyPrefix, "");
  const tls = options.tls !== undefined ? options.tls : config.has(`${s}.tls`) ? config.get<boolean>(`${s}.tls`, false) : undefined;
  if (host) out.host = host;
  if (port) out.port = port;
  if (username) out.username = username;
  if (password) out.password = password;
  if (db !== undefined) out.db = db;
  if (keyPrefix) out.keyPrefix = keyPrefix;
  if (tls === true) out.tls = {};
  else if (tls && typeof tls === "object") out.tls = tls;
  if (!url) {
    out.host ??= "127.0.0.1";
    out.port ??= 6379;
  }
  return { url: url || undefined, options: out };
}

/** Open a client (lazily: call `connect()`) from resolved options. */
export function createRedisClient(url: string | undefined, options: RedisOptions): Redis {
  const opts: RedisOptions = { lazyConnect: true, ...options };
  return url ? new Redis(url, opts) : new Redis(opts);
}

function describe(client: Redis): string {
  const o = client.options;
  return o.path ?? `${o.host ?? "127.0.0.1"}:${o.port ?? 6379}/${o.db ?? 0}`;
}

/**
 * The shared Redis connection (the seed's `wego.Redis()`): opened on register
 * (start fails with `WEGO_ERR_REDIS_CONNECT` when Redis can't be reached),
 * stored under {@link redisKey}, checked by readiness (`redis`: PING), quit on
 * shutdown. Handlers get it with `redis(app)`.
 *
 * @example
 * app.provider(redisProvider({ url: "redis://127.0.0.1:6379/0" }));
 * app.handler("hits", async () => ({ hits: await redis(app).incr("hits") }));
 */
export function redisProvider(options: RedisProviderOptions = {}): Provider {
  const key = options.key ?? redisKey;
  const duplicates = new Set<Redis>();
  let client: Redis | undefined;
  return {
    async register(app: App) {
      if (options.client) client = options.client;
      else {
        const resolved = resolveRedisOptions(app.config, options);
        client = createRedisClient(resolved.url, resolved.options);
      }
      const c = client;
      watchConnection(app, c, options.section ?? "redis");
      if (c.status === "wait") {
        const timeout = options.connectTimeout ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.connect(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no connection within ${timeout} ms`)), timeout);
            }),
          ]);
        } catch (err) {
          c.disconnect();
          throw Object.assign(redisError("WEGO_ERR_REDIS_CONNECT", describe(c), (err as Error).message), { cause: err });
        } finally {
          clearTimeout(timer);
        }
      }
      duplicatesOf.set(c, duplicates);
      app.set(key, c);
      app.check(options.checkName ?? options.section ?? "redis", () => ping(c));
      // The app acquires the lease after every register and releases it
      // before the providers shut down, while this connection is still open.
      if (options.workerIdLease)
        app.useWorkerIdLease(createRedisWorkerIdLease(c, options.workerIdLease === true ? {} : options.workerIdLease));
      if (options.cacheStore)
        app.useCacheStore(createRedisCacheStore(c, options.cacheStore === true ? "" : (options.cacheStore.prefix ?? "")));
    },
    async shutdown(app: App) {
      const c = client;
      client = undefined;
      app.set(key, undefined);
      const all = [...duplicates];
      duplicates.clear();
      if (c && options.quitOnShutdown !== false) all.push(c);
      await Promise.all(all.map(quit));
    },
  };
}

const duplicatesOf = new WeakMap<Redis, Set<Redis>>();
const noop = (): void => {};

/**
 * Log connection loss once per outage (ioredis emits an error on every
 * reconnect attempt, and prints them to stderr when nobody listens).
 */
function watchConnection(app: App, client: Redis, name: string): void {
  let down = false;
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    app.log.warn({ err: err.message, redis: name }, "redis connection lost; reconnecting");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    app.log.info({ redis: name }, "redis connection restored");
  });
}

/** PING with a short bound, so readiness answers even while Redis is away. */
async function ping(client: Redis): Promise<boolean> {
  if (client.status !== "ready") throw new Error(`redis is ${client.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("PING timed out")), 1000);
      }),
    ]);
    return reply === "PONG";
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT (lets pending replies arrive) and wait for the socket to close; force it if Redis does not answer in time. */
async function quit(client: Redis): Promise<void> {
  if (client.status === "end") return;
  const ended = new Promise<void>((resolve) => client.once("end", resolve));
  let timer: NodeJS.Timeout | undefined;
  client.quit().catch(() => client.disconnect());
  try {
    await Promise.race([
      ended,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          client.disconnect();
          resolve();
        }, 2000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The shared client of `source`: an App with `redisProvider`, or a Context
 * (its own value under {@link redisKey} if something set one, else its
 * app's). Throws `WEGO_ERR_REDIS_NOT_REGISTERED` otherwise.
 */
export function redis(source: App | Context, key: ContextKey<Redis | undefined> = redisKey): Redis {
  const client = source.get(key) ?? (source instanceof Context ? source.app?.get(key) : undefined);
  if (client === undefined) throw redisError("WEGO_ERR_REDIS_NOT_REGISTERED", key.description);
  return client;
}

/**
 * A second connection with the shared client's options, for blocking commands
 * (BLPOP, XREAD BLOCK) or subscriber mode, which would stall the shared one.
 * It is quit with the shared client on shutdown.
 */
export function duplicateRedis(source: App | Context, key: ContextKey<Redis | undefined> = redisKey): Redis {
  const shared = redis(source, key);
  const dup = shared.duplicate();
  // The shared client already logs outages of this server; without a listener
  // ioredis would print every reconnect error to stderr. Commands still reject.
  dup.on("error", noop);
  const set = duplicatesOf.get(shared);
  if (set) {
    set.add(dup);
    dup.once("end", () => set.delete(dup));
  }
  return dup;
}
