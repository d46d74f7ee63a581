import type { Logger } from "pino";
import type { AppState, Check, Readiness } from "./app-options.js";
import { type Cache, createCache } from "./cache/cache.js";
import type { Config } from "./config.js";
import type { ContextKey } from "./context-key.js";
import { frameworkError } from "./errors/catalogue.js";
import { createSnowflake, type Snowflake } from "./id/snowflake.js";
import type { CacheStore, WorkerIdLease } from "./ports.js";

/** What resources need to know of their app. */
interface ResourceHost {
  readonly name: string;
  readonly config: Config;
  readonly log: Logger;
  readonly state: AppState;
}

/**
 * An app's shared resources: snowflake ids (with an optional worker-id
 * lease), the cache (with an optional shared tier), app-wide typed values and
 * readiness checks.
 */
export class AppResources {
  readonly #host: ResourceHost;
  readonly #values = new Map<symbol, unknown>();
  readonly #checks = new Map<string, Check>();
  #ids: Snowflake | undefined;
  #lease: WorkerIdLease | undefined;
  #leased = false;
  #cache: Cache | undefined;
  #cacheStore: CacheStore | undefined;
  /** Set while providers register: the lease may still be chosen then. */
  registering = false;

  constructor(host: ResourceHost, lease: WorkerIdLease | undefined, cacheStore: CacheStore | undefined) {
    this.#host = host;
    this.#lease = lease;
    this.#cacheStore = cacheStore;
  }

  get ids(): Snowflake {
    if (this.#ids !== undefined) return this.#ids;
    if (this.#lease !== undefined) throw frameworkError("WEGO_ERR_ID_NOT_READY");
    this.#ids = this.#snowflake(this.#host.config.get("id.workerId", 0));
    return this.#ids;
  }

  #snowflake(workerId: number): Snowflake {
    const config = this.#host.config;
    const epoch = config.get("id.epoch") as number | string | undefined;
    return createSnowflake({ workerId, epoch: epoch ?? undefined, maxBackwardMs: config.get("id.maxBackwardMs", 10) });
  }

  useWorkerIdLease(lease: WorkerIdLease): void {
    if (this.#ids !== undefined)
      throw frameworkError("WEGO_ERR_APP_STATE", "issuing ids already", "lease the worker id before the first app.id()");
    const state = this.#host.state;
    if (state !== "idle" && !this.registering)
      throw frameworkError("WEGO_ERR_APP_STATE", state, "lease the worker id before start or in register");
    this.#lease = lease;
  }

  /** At start, after every provider's `register`: take the worker id from the lease, if there is one. */
  async acquireLease(): Promise<void> {
    if (this.#lease === undefined || this.#ids !== undefined) return;
    const workerId = await this.#lease.acquire();
    this.#leased = true;
    this.#ids = this.#snowflake(workerId);
    this.#host.log.info({ workerId }, "snowflake worker id leased");
  }

  /** At stop, before providers shut down (the lease's connection is theirs). */
  async releaseLease(): Promise<void> {
    if (!this.#leased || this.#lease === undefined) return;
    this.#leased = false;
    this.#ids = undefined; // no id after this point may use a worker id someone else can lease
    await this.#lease.release().catch((err: unknown) => this.#host.log.error({ err }, "worker id lease release failed"));
  }

  get cache(): Cache {
    const { config, name } = this.#host;
    this.#cache ??= createCache({
      maxBytes: config.get("cache.maxBytes", 32 * 1024 * 1024),
      localTtlSeconds: config.get("cache.localTtlSeconds", 5),
      prefix: config.get("cache.prefix", `${name}:cache:`),
      ...(this.#cacheStore ? { store: this.#cacheStore } : {}),
    });
    return this.#cache;
  }

  useCacheStore(store: CacheStore): void {
    if (this.#cache !== undefined)
      throw frameworkError("WEGO_ERR_APP_STATE", "using its cache already", "attach the store before app.cache is first used");
    this.#cacheStore = store;
  }

  get<T>(key: ContextKey<T>): T {
    return this.#values.has(key.id) ? (this.#values.get(key.id) as T) : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): void {
    this.#values.set(key.id, value);
  }

  check(name: string, fn: Check): void {
    this.#checks.set(name, fn);
  }

  async readiness(): Promise<Readiness> {
    const checks: Readiness["checks"] = {};
    const state = this.#host.state;
    let ready = state === "running";
    await Promise.all(
      [...this.#checks].map(async ([name, fn]) => {
        try {
          const r = await fn();
          checks[name] = { ok: r !== false };
          if (r === false) ready = false;
        } catch (err) {
          checks[name] = { ok: false, error: (err as Error)?.message ?? String(err) };
          ready = false;
        }
      }),
    );
    return { ready, state, checks };
  }
}
