import type { Logger } from "pino";
import type { App } from "./app.js";
import type { AppState, StartOptions } from "./app-options.js";
import type { AppResources } from "./app-resources.js";
import type { Config } from "./config.js";
import type { Context } from "./context.js";
import { frameworkError } from "./errors/catalogue.js";
import { WegoError } from "./errors/wego-error.js";
import { Inflight } from "./inflight.js";
import type { Provider, RouteInfo, Router } from "./router.js";

/** What the lifecycle needs of its app. */
interface LifecycleHost {
  readonly app: App;
  readonly name: string;
  readonly config: Config;
  readonly log: Logger;
  readonly resources: AppResources;
  readonly handleSignals: boolean;
  readonly shutdownTimeout: number | undefined;
}

/**
 * An app's life: providers, routers, the in-flight list, start (register →
 * lease → boot → routers, never half-started), stop (routers drain in
 * reverse, in-flight work finishes or is aborted at the deadline, shutdown
 * hooks, lease release, providers' shutdown in reverse) and signals.
 */
export class Lifecycle {
  state: AppState = "idle";
  readonly inflight = new Inflight();
  readonly #host: LifecycleHost;
  readonly #providers: Provider[] = [];
  readonly #routers = new Map<string, Router>();
  readonly #started: Array<[string, Router]> = [];
  readonly #shutdown: Array<() => Promise<void> | void> = [];
  #drained: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(host: LifecycleHost) {
    this.#host = host;
  }

  provider(p: Provider): void {
    this.#providers.push(p);
  }

  router(name: string, router: Router): void {
    if (this.#routers.has(name)) throw frameworkError("WEGO_ERR_ROUTER_DUPLICATE", name);
    if (!router || typeof router.start !== "function" || typeof router.stop !== "function") {
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `router "${name}"`, "start(app) and stop(options)", typeof router);
    }
    this.#routers.set(name, router);
  }

  routes(): Array<RouteInfo & { server: string }> {
    const out: Array<RouteInfo & { server: string }> = [];
    for (const [server, r] of this.#routers)
      for (const info of r.routes?.() ?? []) {
        const entry = { ...info, server };
        // `info` stays non-enumerable, as the router made it (see RouteInfo.info).
        if (info.info !== undefined) Object.defineProperty(entry, "info", { value: info.info });
        out.push(entry);
      }
    return out;
  }

  onShutdown(fn: () => Promise<void> | void): void {
    this.#shutdown.push(fn);
  }

  /** An invocation began: tracked until `done`. */
  track(ctx: Context): void {
    this.inflight.add(ctx);
  }

  /** An invocation settled: untracked and disposed; wakes the drain when it was the last. */
  done(ctx: Context): void {
    const inflight = this.inflight;
    inflight.delete(ctx);
    ctx.dispose();
    if (this.#drained !== undefined && inflight.size === 0) this.#drained();
  }

  #selectServers(options: StartOptions): Array<[string, Router]> {
    const wanted = options.servers ?? this.#host.config.get<string[]>("server", []);
    if (options.servers === undefined && wanted.length === 0) return [...this.#routers];
    const out: Array<[string, Router]> = [];
    for (const name of wanted) {
      const r = this.#routers.get(name);
      if (!r) throw frameworkError("WEGO_ERR_ROUTER_UNKNOWN", name, [...this.#routers.keys()].join(", ") || "none");
      out.push([name, r]);
    }
    return out;
  }

  async start(options: StartOptions): Promise<void> {
    const { app, resources, log, name } = this.#host;
    if (this.state !== "idle") throw frameworkError("WEGO_ERR_APP_STATE", this.state, "start() may be called once");
    this.state = "starting";
    const selected = this.#selectServers(options);
    try {
      resources.registering = true;
      try {
        for (const p of this.#providers) await p.register?.(app);
      } finally {
        resources.registering = false;
      }
      await resources.acquireLease();
      for (const p of this.#providers) await p.boot?.(app);
      for (const [server, router] of selected) {
        try {
          await router.start(app);
        } catch (err) {
          const e = WegoError.from(err);
          const wrapped = frameworkError("WEGO_ERR_ROUTER_START", server, e.rawMessage);
          (wrapped as { cause?: unknown }).cause = err;
          throw wrapped;
        }
        this.#started.push([server, router]);
      }
    } catch (err) {
      // Never leave a half-started process: stop what did start, then fail.
      await this.#teardown(Date.now() + 1000).catch(() => {});
      this.state = "stopped";
      throw err;
    }
    this.state = "running";
    if (this.#host.handleSignals) this.#installSignals();
    log.info({ servers: this.#started.map(([n]) => n) }, "%s started", name);
  }

  stop(timeout: number | undefined): Promise<void> {
    const { config } = this.#host;
    this.#stopping ??= this.#stop(timeout ?? this.#host.shutdownTimeout ?? config.get("shutdownTimeout", 10_000));
    return this.#stopping;
  }

  async #stop(timeout: number): Promise<void> {
    const { log, name } = this.#host;
    if (this.state === "idle") {
      this.state = "stopped";
      return;
    }
    while (this.state === "starting") await new Promise((r) => setTimeout(r, 10));
    if (this.state === "stopped") return;
    this.state = "stopping";
    const deadline = Date.now() + timeout;
    log.info({ timeoutMs: timeout, inflight: this.inflight.size }, "%s stopping", name);
    await this.#teardown(deadline);
    this.state = "stopped";
    log.info("%s stopped", name);
    log.flush?.();
  }

  async #teardown(deadline: number): Promise<void> {
    const { app, log, resources } = this.#host;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(frameworkError("WEGO_ERR_SHUTDOWN_DEADLINE")), Math.max(0, deadline - Date.now()));
    try {
      const stopOpts = { deadline, signal: ac.signal };
      const routers = this.#started.splice(0).reverse();
      // Before any drain: leave the registry, so clients stop sending before servers stop accepting.
      const before = await Promise.allSettled(routers.map(([, r]) => r.beforeStop?.(stopOpts)));
      before.forEach((res, i) => {
        if (res.status === "rejected") log.error({ err: res.reason, server: routers[i]?.[0] }, "router failed before its stop");
      });
      const results = await Promise.allSettled(routers.map(([, r]) => r.stop(stopOpts)));
      results.forEach((res, i) => {
        if (res.status === "rejected") log.error({ err: res.reason, server: routers[i]?.[0] }, "router failed to stop cleanly");
      });
      await this.#drain(ac.signal);
    } finally {
      clearTimeout(timer);
    }
    for (const fn of this.#shutdown.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((err: unknown) => log.error({ err }, "shutdown hook failed"));
    }
    // Before the providers shut down: the lease's connection (Redis) is theirs.
    await resources.releaseLease();
    for (const p of [...this.#providers].reverse()) {
      await Promise.resolve()
        .then(() => p.shutdown?.(app))
        .catch((err: unknown) => log.error({ err }, "provider shutdown failed"));
    }
  }

  /** Wait for in-flight invocations; at the deadline abort what is left (their dispatch answers them `unavailable`). */
  async #drain(signal: AbortSignal): Promise<void> {
    if (this.inflight.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#drained = undefined;
        signal.removeEventListener("abort", onDeadline);
        resolve();
      };
      const onDeadline = (): void => {
        const left = this.inflight.size;
        for (const ctx of this.inflight) ctx.abort(signal.reason);
        this.#host.log.warn({ inflight: left }, "shutdown deadline reached; aborted in-flight invocations");
        done();
      };
      this.#drained = done;
      if (signal.aborted) onDeadline();
      else signal.addEventListener("abort", onDeadline, { once: true });
    });
  }

  #installSignals(): void {
    const log = this.#host.log;
    const onSignal = (sig: NodeJS.Signals): void => {
      log.info({ signal: sig }, "signal received");
      this.stop(undefined).then(
        () => {
          process.exitCode ??= 0;
        },
        (err: unknown) => {
          log.error({ err }, "stop failed");
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
