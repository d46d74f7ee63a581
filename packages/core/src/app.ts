import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { Lifecycle } from "./app-lifecycle.js";
import type { AppOptions, AppState, Check, Readiness, StartOptions } from "./app-options.js";
import { AppResources } from "./app-resources.js";
import type { AppView } from "./app-view.js";
import type { Cache } from "./cache/cache.js";
import { Config } from "./config.js";
import { Context, type ContextHost, type InvocationInit } from "./context.js";
import type { ContextKey } from "./context-key.js";
import { defaultEnvelope, type Envelope } from "./envelope.js";
import type { Endpoint } from "./filter.js";
import type { HandlerInfo, OutputOf } from "./handler.js";
import { HandlerRegistry, type ResolvedHandler } from "./handler-registry.js";
import { newRequestId } from "./id/request-id.js";
import type { Snowflake } from "./id/snowflake.js";
import { lazyRequire } from "./lazy-require.js";
import { createLogger, type LoggerOptions } from "./logger.js";
import type { CacheStore, WorkerIdLease } from "./ports.js";
import type { Provider, RouteInfo, Router } from "./router.js";
import { createDispatcher, type Dispatcher, type DispatchTarget } from "./transport/dispatcher.js";
import { type AppInternals, kInternals } from "./transport/internals.js";

export type { AppOptions, AppState, Check, Readiness, StartOptions } from "./app-options.js";
export { type ResolvedHandler, targetName } from "./handler-registry.js";

/** Options of `app.invoke`: the invocation as a transport would describe it. */
export interface InvokeInit {
  /** Transport name on `ctx.transport`; default "memory". */
  transport?: string;
  /** The route on `ctx.route`; default the handler's name. */
  route?: string;
  /** The input. */
  request?: unknown;
  /** Headers / metadata. */
  meta?: InvocationInit["meta"];
  /** The caller's request id (the same rule as every transport: replaced when invalid). */
  id?: string;
  /** Absolute deadline (ms since epoch). */
  deadline?: number;
  /** Aborts the invocation. */
  signal?: AbortSignal;
}

/**
 * An application: handlers, routers, providers and their lifecycle, plus
 * what invocations share (config, log, metrics, ids, cache, values).
 */
export interface App extends AppView {
  /** Where the app is in its life. */
  readonly state: AppState;

  /** Add a provider; its `register`, then `boot`, run at start; `shutdown` at stop, in reverse. */
  provider(p: Provider): this;
  /** Register a handler under `name`: a typed handler (`defineHandler`) or an endpoint (`filters.create(…)`). */
  handler(name: string, endpoint: Endpoint): this;
  /** Register a typed handler under its own `name`. */
  handler(handler: Endpoint & { readonly info: HandlerInfo }): this;
  /** A reference to the handler `name`, resolved when routers start (unknown names fail then). */
  handler(name: string): Endpoint;
  /** Names of registered handlers. */
  handlers(): string[];
  /** Add a router under a server name (`http`, `grpc`, `cron`…); `--server` / `WEGO_SERVER` picks which start. */
  router(name: string, router: Router): this;
  /** Every route of every router, for listings. */
  routes(): Array<RouteInfo & { server: string }>;

  /**
   * Call a handler in memory, through the same dispatch as every transport
   * (request-id rule, input checks, deadline, in-flight tracking, faults
   * logged once): resolves with its result; rejects with what the handler
   * threw — a WegoError from typed handlers and `filters.create` (use
   * `WegoError.from` for endpoints of your own), or the refusal's WegoError.
   */
  invoke<T extends string | Endpoint>(target: T, init?: InvokeInit): Promise<OutputOf<T>>;

  /** Number of invocations in flight. */
  readonly inflight: number;

  /** Lease the worker id from `lease` at start. Call before start or in a provider's `register`. */
  useWorkerIdLease(lease: WorkerIdLease): this;
  /** Give `app.cache` a shared tier. Call before the cache is first used (e.g. in a provider's `register`). */
  useCacheStore(store: CacheStore): this;

  /** Set an app-wide typed value (a client, a pool…); `app.get` / `ctx.app.get` read it. */
  set<T>(key: ContextKey<T>, value: T): this;

  /** Add a readiness check (Redis ping, DB ping…). */
  check(name: string, fn: Check): this;
  /** Readiness: running and every check passing. */
  readiness(): Promise<Readiness>;
  /** Run `fn` on stop, after routers stopped, in reverse order of registration. */
  onShutdown(fn: () => Promise<void> | void): this;

  /**
   * Start: every provider's `register`, the worker-id lease, every
   * provider's `boot`, then the selected routers (`--server`, `WEGO_SERVER`,
   * or `options.servers`; default all). A failure stops what had started and
   * rejects: never a half-started process.
   */
  start(options?: StartOptions): Promise<void>;
  /**
   * Stop: routers stop accepting and drain (what had begun is served), then
   * in-flight work finishes; at the deadline (`timeout`, else
   * `shutdownTimeout`, default 10 s) what is left is answered `unavailable`.
   * Then shutdown hooks, the lease, providers. Idempotent.
   */
  stop(options?: { timeout?: number }): Promise<void>;
}

class WegoApp implements App {
  readonly name: string;
  readonly config: Config;
  readonly log: Logger;
  readonly envelope: Envelope;
  readonly production: boolean;
  /** @internal For `@wego/core/transport`. */
  readonly [kInternals]: AppInternals;
  readonly #host: ContextHost;
  readonly #registry = new HandlerRegistry();
  readonly #resources: AppResources;
  readonly #life: Lifecycle;
  readonly #invokers = new Map<string, Dispatcher>();
  readonly #targets = new Map<string | Endpoint, DispatchTarget>();
  #metrics: Registry | undefined;

  constructor(options: AppOptions) {
    this.config = options.config instanceof Config ? options.config : new Config(options.config);
    this.production = options.production ?? process.env.NODE_ENV === "production";
    this.name = options.name ?? this.config.get("name", "wego");
    this.log =
      options.logger === false
        ? createLogger({ level: "silent" })
        : options.logger && typeof (options.logger as Logger).child === "function"
          ? (options.logger as Logger)
          : createLogger({ name: this.name, production: this.production, ...(options.logger as LoggerOptions | undefined) });
    // Refused config changes (a watched key's listener threw) are logged here.
    this.config.useLog(this.log);
    this.envelope = options.envelope ?? defaultEnvelope;
    const requestId = options.requestId ?? newRequestId;
    this.#host = { log: this.log, newRequestId: requestId, app: this };
    this.#resources = new AppResources(this, options.workerIdLease, options.cacheStore);
    this.#life = new Lifecycle({
      app: this,
      name: this.name,
      config: this.config,
      log: this.log,
      resources: this.#resources,
      handleSignals: options.handleSignals === true,
      shutdownTimeout: options.shutdownTimeout,
    });
    const life = this.#life;
    this[kInternals] = {
      context: (init) => new Context(this.#host, init),
      resolve: (target, route) => this.#registry.resolve(target, route),
      track: life.track.bind(life),
      untrack: life.done.bind(life),
      inflight: () => life.inflight,
      stopped: () => life.state === "stopped",
      host: { log: this.log },
    };
  }

  get state(): AppState {
    return this.#life.state;
  }

  get inflight(): number {
    return this.#life.inflight.size;
  }

  get metrics(): Registry {
    this.#metrics ??= new (lazyRequire<typeof import("prom-client")>("prom-client").Registry)();
    return this.#metrics;
  }

  get ids(): Snowflake {
    return this.#resources.ids;
  }

  id(): string {
    return this.#resources.ids.next();
  }

  get cache(): Cache {
    return this.#resources.cache;
  }

  useWorkerIdLease(lease: WorkerIdLease): this {
    this.#resources.useWorkerIdLease(lease);
    return this;
  }

  useCacheStore(store: CacheStore): this {
    this.#resources.useCacheStore(store);
    return this;
  }

  get<T>(key: ContextKey<T>): T {
    return this.#resources.get(key);
  }

  set<T>(key: ContextKey<T>, value: T): this {
    this.#resources.set(key, value);
    return this;
  }

  check(name: string, fn: Check): this {
    this.#resources.check(name, fn);
    return this;
  }

  readiness(): Promise<Readiness> {
    return this.#resources.readiness();
  }

  provider(p: Provider): this {
    this.#life.provider(p);
    return this;
  }

  handler(name: string, endpoint: Endpoint): this;
  handler(handler: Endpoint & { readonly info: HandlerInfo }): this;
  handler(name: string): Endpoint;
  handler(nameOrHandler: string | Endpoint, endpoint?: Endpoint): this | Endpoint {
    if (typeof nameOrHandler === "string" && endpoint === undefined) return this.#registry.ref(nameOrHandler);
    this.#registry.add(nameOrHandler, endpoint);
    return this;
  }

  handlers(): string[] {
    return this.#registry.names();
  }

  router(name: string, router: Router): this {
    this.#life.router(name, router);
    return this;
  }

  routes(): Array<RouteInfo & { server: string }> {
    return this.#life.routes();
  }

  onShutdown(fn: () => Promise<void> | void): this {
    this.#life.onShutdown(fn);
    return this;
  }

  start(options: StartOptions = {}): Promise<void> {
    return this.#life.start(options);
  }

  stop(options: { timeout?: number } = {}): Promise<void> {
    // In-memory invocations are refused from now on, like a transport's new requests.
    for (const d of this.#invokers.values()) d.close();
    return this.#life.stop(options.timeout);
  }

  invoke<T extends string | Endpoint>(target: T, init: InvokeInit = {}): Promise<OutputOf<T>> {
    const transport = init.transport ?? "memory";
    let d = this.#invokers.get(transport);
    if (d === undefined) {
      d = createDispatcher(this, { transport });
      if (this.#life.state === "stopping") d.close();
      this.#invokers.set(transport, d);
    }
    // Targets resolve once (after start the registry no longer changes for them): a map hit per call.
    let t = init.route === undefined ? this.#targets.get(target) : undefined;
    if (t === undefined) {
      let resolved: ResolvedHandler;
      try {
        resolved = this.#registry.resolve(target, init.route);
      } catch (err) {
        return Promise.reject(err);
      }
      t = { route: init.route ?? resolved.name, handler: resolved.name, endpoint: resolved.endpoint };
      if (init.route === undefined && this.#life.state === "running") this.#targets.set(target, t);
    }
    // `init` holds the invocation's fields under dispatch's names: passed as it is, nothing copied.
    return d.call(t, init) as Promise<OutputOf<T>>;
  }
}

/** Create an application. No globals: two apps in one process are independent. */
export function createApp(options: AppOptions = {}): App {
  return new WegoApp(options);
}
