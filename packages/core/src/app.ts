import { nanoid } from "nanoid";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type Cache, createCache } from "./cache/cache.js";
import { Config, type ConfigOptions } from "./config.js";
import { Context, type ContextHost, type InvocationInit } from "./context.js";
import type { ContextKey } from "./context-key.js";
import { defaultEnvelope, type Envelope } from "./envelope.js";
import { frameworkError } from "./errors/catalogue.js";
import { WegoError } from "./errors/wego-error.js";
import type { Endpoint } from "./filter.js";
import { handlerInfo } from "./handler.js";
import { createSnowflake, type Snowflake } from "./id/snowflake.js";
import { Inflight } from "./inflight.js";
import { lazyRequire } from "./lazy-require.js";
import { createLogger, type LoggerOptions } from "./logger.js";
import type { CacheStore, WorkerIdLease } from "./ports.js";
import type { Provider, RouteInfo, Router } from "./router.js";
import { isSettled, settledValue } from "./settled.js";
import { type AppInternals, kInternals } from "./transport/internals.js";

export interface AppOptions {
  name?: string;
  /** Config layers, or a ready Config. */
  config?: ConfigOptions | Config;
  /** A pino logger, options for one, or false for silence. */
  logger?: Logger | LoggerOptions | false;
  /** Response body shape; default {@link defaultEnvelope}. */
  envelope?: Envelope;
  /** Production hides internal error messages; default `NODE_ENV === "production"`. */
  production?: boolean;
  /** Stop on SIGINT/SIGTERM and set the exit code. Default false (tests); true in a main(). */
  handleSignals?: boolean;
  /** Drain deadline on stop in ms (config `shutdownTimeout`, default 10 000). */
  shutdownTimeout?: number;
  /** Request id generator; default nanoid(). */
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

/** A reply called from a reaction: a throw there would become an unhandled rejection, so it is logged instead. */
function replyLate<T>(reply: Reply<T>, ctx: Context, result: T | undefined, error: unknown, failed: boolean): void {
  try {
    reply(result, error, failed);
  } catch (err) {
    ctx.log.error({ err }, "a transport's reply to %s threw", ctx.handler);
  }
}

/** How `app.serve` hands an outcome back: `failed` tells a rejection (with its reason in `error`) from a result. */
export type Reply<T = unknown> = (result: T | undefined, error: unknown, failed: boolean) => void;

export type AppState = "idle" | "starting" | "running" | "stopping" | "stopped";

/** A readiness check: resolve true/ok, false or throw for not ready. */
export type Check = () => unknown;

export interface Readiness {
  ready: boolean;
  state: AppState;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export interface StartOptions {
  /** Routers to start; default `--server` / `WEGO_SERVER` (comma list), else all. */
  servers?: readonly string[];
}

export interface ResolvedHandler {
  name: string;
  endpoint: Endpoint;
}

const kHandlerRef = Symbol.for("wego.handlerRef");

/**
 * The handler name a route target points at, before the app starts: the
 * string itself, the name behind an `app.handler("x")` reference, or the
 * endpoint's function name ("(inline)" for an anonymous one). For `routes()`
 * listings; routers still resolve targets with `app.resolve` at start.
 */
export function targetName(target: string | Endpoint): string {
  if (typeof target === "string") return target;
  const ref = (target as Partial<HandlerRef>)[kHandlerRef];
  return typeof ref === "string" ? ref : target.name || "(inline)";
}
type HandlerRef = Endpoint & { [kHandlerRef]: string };

export interface App {
  readonly name: string;
  readonly config: Config;
  readonly log: Logger;
  readonly envelope: Envelope;
  readonly production: boolean;
  readonly state: AppState;

  /** Add a provider; its register/boot run at start. */
  provider(p: Provider): this;
  /** Register a handler under `name`: a typed handler (`defineHandler`) or an endpoint (`filters.create(…)`). */
  handler(name: string, endpoint: Endpoint): this;
  /** Register a typed handler under its own `name`. */
  handler(handler: Endpoint & { readonly info: { readonly name: string | undefined } }): this;
  /** A reference to a handler, resolved when routers start (unknown names fail then). */
  handler(name: string): Endpoint;
  /** Names of registered handlers. */
  handlers(): string[];
  /** Add a router under a server name (`http`, `grpc`, `cron`…). */
  router(name: string, router: Router): this;
  /** Every route of every router, for listings. */
  routes(): Array<RouteInfo & { server: string }>;

  /** Resolve a route target to a handler name and endpoint; unknown names throw WEGO_ERR_HANDLER_UNKNOWN. */
  resolve(target: string | Endpoint, route?: string): ResolvedHandler;
  /** Build a Context for an invocation (transports). */
  context(init: InvocationInit): Context;
  /** Run an endpoint on a context: tracked for draining, refused while stopping. */
  run<T>(endpoint: Endpoint<T>, ctx: Context): Promise<T>;
  /**
   * Run an endpoint for a transport that only needs its outcome: `reply` gets
   * the result, or the error with `failed` set, after the invocation has left
   * the in-flight set. Tracking and the answer share one reaction, where
   * `run` plus a `.then` cost two (a promise and a microtask hop per
   * invocation); a handler that finished synchronously is answered before
   * `serve` returns. Refused while stopping, like `run` (as a failure).
   */
  serve<T>(endpoint: Endpoint<T>, ctx: Context, reply: Reply<T>): void;
  /** Resolve, build a context and run: the one-call path for transports and tests. */
  invoke(target: string | Endpoint, init: Omit<InvocationInit, "route"> & { route?: string }): Promise<unknown>;
  /** Number of invocations in flight. */
  readonly inflight: number;
  /** This app's Prometheus registry (prom-client); `/metrics` routes serve it. */
  readonly metrics: Registry;

  /**
   * This app's snowflake generator: worker id from the lease (acquired at
   * start, after every provider's `register`) or config `id.workerId`;
   * epoch `id.epoch` (UTC); `id.maxBackwardMs`.
   */
  readonly ids: Snowflake;
  /** A new snowflake id as a decimal string: `app.ids.next()`. */
  id(): string;
  /** This app's cache: config `cache.maxBytes`, `cache.localTtlSeconds`, `cache.prefix`; shared tier from the CacheStore. */
  readonly cache: Cache;
  /** Lease the worker id from `lease` at start. Call before start or in a provider's `register`. */
  useWorkerIdLease(lease: WorkerIdLease): this;
  /** Give `app.cache` a shared tier. Call before the cache is first used (e.g. in a provider's `register`). */
  useCacheStore(store: CacheStore): this;

  /** App-wide typed values: clients, pools, the cache… */
  get<T>(key: ContextKey<T>): T;
  set<T>(key: ContextKey<T>, value: T): this;

  /** Add a readiness check (Redis ping, DB ping…). */
  check(name: string, fn: Check): this;
  /** Readiness: running and every check passing. */
  readiness(): Promise<Readiness>;
  /** Run `fn` on stop, after routers stopped, in reverse order of registration. */
  onShutdown(fn: () => Promise<void> | void): this;

  start(options?: StartOptions): Promise<void>;
  stop(options?: { timeout?: number }): Promise<void>;
}

class WegoApp implements App {
  readonly name: string;
  readonly config: Config;
  readonly log: Logger;
  readonly envelope: Envelope;
  readonly production: boolean;
  #metrics: Registry | undefined;
  #state: AppState = "idle";
  readonly #providers: Provider[] = [];
  readonly #handlers = new Map<string, Endpoint>();
  readonly #routers = new Map<string, Router>();
  readonly #started: Array<[string, Router]> = [];
  readonly #values = new Map<symbol, unknown>();
  readonly #checks = new Map<string, Check>();
  readonly #shutdown: Array<() => Promise<void> | void> = [];
  readonly #inflight = new Inflight();
  #drained: (() => void) | undefined;
  #stopping: Promise<void> | undefined;
  readonly #options: AppOptions;
  readonly #requestId: () => string;
  readonly #host: ContextHost;
  #ids: Snowflake | undefined;
  #lease: WorkerIdLease | undefined;
  #leased = false;
  #registering = false;
  #cache: Cache | undefined;
  #cacheStore: CacheStore | undefined;

  constructor(options: AppOptions) {
    this.#options = options;
    this.config = options.config instanceof Config ? options.config : new Config(options.config);
    this.production = options.production ?? process.env.NODE_ENV === "production";
    this.name = options.name ?? this.config.get("name", "wego");
    this.log =
      options.logger === false
        ? createLogger({ level: "silent" })
        : options.logger && typeof (options.logger as Logger).child === "function"
          ? (options.logger as Logger)
          : createLogger({ name: this.name, production: this.production, ...(options.logger as LoggerOptions | undefined) });
    this.envelope = options.envelope ?? defaultEnvelope;
    this.#requestId = options.requestId ?? (() => nanoid());
    this.#host = { log: this.log, newRequestId: this.#requestId, app: this };
    this.#lease = options.workerIdLease;
    this.#cacheStore = options.cacheStore;
    this[kInternals] = {
      context: (init) => new Context(this.#host, init),
      track: (ctx) => this.#inflight.add(ctx),
      untrack: (ctx) => this.#done(ctx),
      inflight: () => this.#inflight,
      stopped: () => this.#state === "stopped",
      host: { log: this.log },
    };
  }

  get ids(): Snowflake {
    if (this.#ids !== undefined) return this.#ids;
    if (this.#lease !== undefined) throw frameworkError("WEGO_ERR_ID_NOT_READY");
    this.#ids = this.#snowflake(this.config.get("id.workerId", 0));
    return this.#ids;
  }

  id(): string {
    return (this.#ids ?? this.ids).next();
  }

  #snowflake(workerId: number): Snowflake {
    const epoch = this.config.get("id.epoch") as number | string | undefined;
    return createSnowflake({ workerId, epoch: epoch ?? undefined, maxBackwardMs: this.config.get("id.maxBackwardMs", 10) });
  }

  useWorkerIdLease(lease: WorkerIdLease): this {
    if (this.#ids !== undefined)
      throw frameworkError("WEGO_ERR_APP_STATE", "issuing ids already", "lease the worker id before the first app.id()");
    if (this.#state !== "idle" && !this.#registering)
      throw frameworkError("WEGO_ERR_APP_STATE", this.#state, "lease the worker id before start or in register");
    this.#lease = lease;
    return this;
  }

  get cache(): Cache {
    this.#cache ??= createCache({
      maxBytes: this.config.get("cache.maxBytes", 32 * 1024 * 1024),
      localTtlSeconds: this.config.get("cache.localTtlSeconds", 5),
      prefix: this.config.get("cache.prefix", `${this.name}:cache:`),
      ...(this.#cacheStore ? { store: this.#cacheStore } : {}),
    });
    return this.#cache;
  }

  useCacheStore(store: CacheStore): this {
    if (this.#cache !== undefined)
      throw frameworkError("WEGO_ERR_APP_STATE", "using its cache already", "attach the store before app.cache is first used");
    this.#cacheStore = store;
    return this;
  }

  get state(): AppState {
    return this.#state;
  }

  get metrics(): Registry {
    this.#metrics ??= new (lazyRequire<typeof import("prom-client")>("prom-client").Registry)();
    return this.#metrics;
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  provider(p: Provider): this {
    this.#providers.push(p);
    return this;
  }

  handler(name: string, endpoint: Endpoint): this;
  handler(handler: Endpoint & { readonly info: { readonly name: string | undefined } }): this;
  handler(name: string): Endpoint;
  handler(nameOrHandler: string | Endpoint, endpoint?: Endpoint): this | Endpoint {
    if (typeof nameOrHandler === "function") {
      const own = handlerInfo(nameOrHandler)?.name;
      if (own === undefined)
        throw frameworkError(
          "WEGO_ERR_NOT_A_FUNCTION",
          "app.handler(h)",
          "a typed handler with a name (or app.handler(name, endpoint))",
          "one without a name",
        );
      return this.handler(own, nameOrHandler);
    }
    const name = nameOrHandler;
    if (endpoint === undefined) {
      const found = this.#handlers.get(name);
      if (found) return found;
      // Not registered yet (routers are often declared before providers run):
      // a reference that routers resolve at start, where unknown names fail.
      const ref = ((ctx) => this.resolve(name).endpoint(ctx)) as HandlerRef;
      ref[kHandlerRef] = name;
      return ref;
    }
    if (typeof endpoint !== "function")
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `handler "${name}"`, "an endpoint (ctx) => Promise", typeof endpoint);
    if (this.#handlers.has(name)) throw frameworkError("WEGO_ERR_HANDLER_DUPLICATE", name);
    this.#handlers.set(name, endpoint);
    return this;
  }

  handlers(): string[] {
    return [...this.#handlers.keys()];
  }

  router(name: string, router: Router): this {
    if (this.#routers.has(name)) throw frameworkError("WEGO_ERR_ROUTER_DUPLICATE", name);
    if (!router || typeof router.start !== "function" || typeof router.stop !== "function") {
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `router "${name}"`, "start(app) and stop(options)", typeof router);
    }
    this.#routers.set(name, router);
    return this;
  }

  routes(): Array<RouteInfo & { server: string }> {
    const out: Array<RouteInfo & { server: string }> = [];
    for (const [server, r] of this.#routers) for (const info of r.routes?.() ?? []) out.push({ ...info, server });
    return out;
  }

  resolve(target: string | Endpoint, route?: string): ResolvedHandler {
    if (typeof target === "string" || (target as Partial<HandlerRef>)[kHandlerRef] !== undefined) {
      const name = typeof target === "string" ? target : (target as HandlerRef)[kHandlerRef];
      const endpoint = this.#handlers.get(name);
      if (!endpoint) {
        const known = [...this.#handlers.keys()].join(", ") || "none";
        throw frameworkError("WEGO_ERR_HANDLER_UNKNOWN", route ? `${name}" for route "${route}` : name, known);
      }
      return { name, endpoint };
    }
    if (typeof target !== "function")
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `route target ${route ?? ""}`, "a handler name or an endpoint", typeof target);
    for (const [name, ep] of this.#handlers) if (ep === target) return { name, endpoint: ep };
    return { name: target.name || route || "(inline)", endpoint: target };
  }

  context(init: InvocationInit): Context {
    return new Context(this.#host, init);
  }

  run<T>(endpoint: Endpoint<T>, ctx: Context): Promise<T> {
    if (this.#state === "stopping" || this.#state === "stopped") {
      ctx.dispose();
      return Promise.reject(frameworkError("WEGO_ERR_APP_STOPPING"));
    }
    return this.#track(endpoint, ctx);
  }

  // The caller gets the endpoint's own promise and clean-up hangs off it as
  // a reaction registered first, so it has run before the caller resumes.
  // An async frame with try/finally would put one more microtask hop between
  // the handler and the transport's answer (each costs a transport ~1–2 %,
  // bench/http); `.finally()` allocates two more promises.
  #track<T>(endpoint: Endpoint<T>, ctx: Context): Promise<T> {
    this.#inflight.add(ctx);
    let p: Promise<T>;
    try {
      p = endpoint(ctx);
      // An endpoint written in plain JS may return a bare value.
      if (typeof (p as Partial<Promise<T>> | undefined)?.then !== "function") p = Promise.resolve(p);
    } catch (err) {
      p = Promise.reject(err);
    }
    // Finished synchronously (see settled.ts): done now, no reaction.
    if (isSettled(p)) this.#done(ctx);
    else {
      const done = (): void => this.#done(ctx);
      p.then(done, done);
    }
    return p;
  }

  serve<T>(endpoint: Endpoint<T>, ctx: Context, reply: Reply<T>): void {
    if (this.#state === "stopping" || this.#state === "stopped") {
      ctx.dispose();
      reply(undefined, frameworkError("WEGO_ERR_APP_STOPPING"), true);
      return;
    }
    this.#inflight.add(ctx);
    let p: Promise<T>;
    try {
      p = endpoint(ctx);
    } catch (err) {
      this.#done(ctx);
      reply(undefined, err, true);
      return;
    }
    if (typeof (p as Partial<Promise<T>> | undefined)?.then !== "function") {
      // An endpoint written in plain JS may return a bare value.
      this.#done(ctx);
      reply(p as T, undefined, false);
    } else if (isSettled(p)) {
      this.#done(ctx);
      reply(settledValue(p), undefined, false);
    } else {
      p.then(
        (result) => {
          this.#done(ctx);
          replyLate(reply, ctx, result, undefined, false);
        },
        (err: unknown) => {
          this.#done(ctx);
          replyLate(reply, ctx, undefined, err, true);
        },
      );
    }
  }

  /** @internal For `@wego/core/transport`. */
  readonly [kInternals]: AppInternals;

  #done(ctx: Context): void {
    const inflight = this.#inflight;
    inflight.delete(ctx);
    ctx.dispose();
    if (this.#drained !== undefined && inflight.size === 0) this.#drained();
  }

  invoke(target: string | Endpoint, init: Omit<InvocationInit, "route"> & { route?: string }): Promise<unknown> {
    let resolved: ResolvedHandler;
    try {
      resolved = this.resolve(target, init.route);
    } catch (err) {
      return Promise.reject(err);
    }
    const ctx = this.context({ ...init, route: init.route ?? resolved.name, handler: resolved.name });
    return this.run(resolved.endpoint, ctx);
  }

  get<T>(key: ContextKey<T>): T {
    return this.#values.has(key.id) ? (this.#values.get(key.id) as T) : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): this {
    this.#values.set(key.id, value);
    return this;
  }

  check(name: string, fn: Check): this {
    this.#checks.set(name, fn);
    return this;
  }

  async readiness(): Promise<Readiness> {
    const checks: Readiness["checks"] = {};
    let ready = this.#state === "running";
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
    return { ready, state: this.#state, checks };
  }

  onShutdown(fn: () => Promise<void> | void): this {
    this.#shutdown.push(fn);
    return this;
  }

  #selectServers(options: StartOptions): Array<[string, Router]> {
    const wanted = options.servers ?? this.config.get<string[]>("server", []);
    if (options.servers === undefined && wanted.length === 0) return [...this.#routers];
    const out: Array<[string, Router]> = [];
    for (const name of wanted) {
      const r = this.#routers.get(name);
      if (!r) throw frameworkError("WEGO_ERR_ROUTER_UNKNOWN", name, [...this.#routers.keys()].join(", ") || "none");
      out.push([name, r]);
    }
    return out;
  }

  async start(options: StartOptions = {}): Promise<void> {
    if (this.#state !== "idle") throw frameworkError("WEGO_ERR_APP_STATE", this.#state, "start() may be called once");
    this.#state = "starting";
    const selected = this.#selectServers(options);
    try {
      this.#registering = true;
      try {
        for (const p of this.#providers) await p.register?.(this);
      } finally {
        this.#registering = false;
      }
      if (this.#lease !== undefined && this.#ids === undefined) {
        const workerId = await this.#lease.acquire();
        this.#leased = true;
        this.#ids = this.#snowflake(workerId);
        this.log.info({ workerId }, "snowflake worker id leased");
      }
      for (const p of this.#providers) await p.boot?.(this);
      for (const [name, router] of selected) {
        try {
          await router.start(this);
        } catch (err) {
          const e = WegoError.from(err);
          const wrapped = frameworkError("WEGO_ERR_ROUTER_START", name, e.rawMessage);
          (wrapped as { cause?: unknown }).cause = err;
          throw wrapped;
        }
        this.#started.push([name, router]);
      }
    } catch (err) {
      // Never leave a half-started process: stop what did start, then fail.
      await this.#teardown(Date.now() + 1000).catch(() => {});
      this.#state = "stopped";
      throw err;
    }
    this.#state = "running";
    if (this.#options.handleSignals) this.#installSignals();
    this.log.info({ servers: this.#started.map(([n]) => n) }, "%s started", this.name);
  }

  stop(options: { timeout?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.timeout ?? this.#options.shutdownTimeout ?? this.config.get("shutdownTimeout", 10_000));
    return this.#stopping;
  }

  async #stop(timeout: number): Promise<void> {
    if (this.#state === "idle") {
      this.#state = "stopped";
      return;
    }
    while (this.#state === "starting") await new Promise((r) => setTimeout(r, 10));
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    const deadline = Date.now() + timeout;
    this.log.info({ timeoutMs: timeout, inflight: this.#inflight.size }, "%s stopping", this.name);
    await this.#teardown(deadline);
    this.#state = "stopped";
    this.log.info("%s stopped", this.name);
    this.log.flush?.();
  }

  async #teardown(deadline: number): Promise<void> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(frameworkError("WEGO_ERR_SHUTDOWN_DEADLINE")), Math.max(0, deadline - Date.now()));
    try {
      const stopOpts = { deadline, signal: ac.signal };
      const routers = this.#started.splice(0).reverse();
      const results = await Promise.allSettled(routers.map(([, r]) => r.stop(stopOpts)));
      results.forEach((res, i) => {
        if (res.status === "rejected") this.log.error({ err: res.reason, server: routers[i]?.[0] }, "router failed to stop cleanly");
      });
      await this.#drain(ac.signal);
    } finally {
      clearTimeout(timer);
    }
    for (const fn of this.#shutdown.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.log.error({ err }, "shutdown hook failed"));
    }
    // Before the providers shut down: the lease's connection (Redis) is theirs.
    if (this.#leased && this.#lease !== undefined) {
      this.#leased = false;
      this.#ids = undefined; // no id after this point may use a worker id someone else can lease
      await this.#lease.release().catch((err: unknown) => this.log.error({ err }, "worker id lease release failed"));
    }
    for (const p of [...this.#providers].reverse()) {
      await Promise.resolve()
        .then(() => p.shutdown?.(this))
        .catch((err: unknown) => this.log.error({ err }, "provider shutdown failed"));
    }
  }

  /** Wait for in-flight invocations; at the deadline abort what is left. */
  async #drain(signal: AbortSignal): Promise<void> {
    if (this.#inflight.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#drained = undefined;
        signal.removeEventListener("abort", onDeadline);
        resolve();
      };
      const onDeadline = (): void => {
        for (const ctx of this.#inflight) ctx.abort(signal.reason);
        this.log.warn({ inflight: this.#inflight.size }, "shutdown deadline reached; aborted in-flight invocations");
        done();
      };
      this.#drained = done;
      if (signal.aborted) onDeadline();
      else signal.addEventListener("abort", onDeadline, { once: true });
    });
  }

  #installSignals(): void {
    const onSignal = (sig: NodeJS.Signals): void => {
      this.log.info({ signal: sig }, "signal received");
      this.stop().then(
        () => {
          process.exitCode ??= 0;
        },
        (err: unknown) => {
          this.log.error({ err }, "stop failed");
          process.exitCode = 1;
        },
      );
      // A second signal means "now".
      process.once(sig, () => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
}

/** Create an application. No globals: two apps in one process are independent. */
export function createApp(options: AppOptions = {}): App {
  return new WegoApp(options);
}
