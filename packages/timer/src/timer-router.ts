import { type App, type Endpoint, type RouteInfo, type Router, type StopOptions, targetName } from "@wego/core";
import { type Duration, parseDuration } from "./duration.js";
import { timerError } from "./timer-errors.js";

export type TimerMode = "fixed-rate" | "fixed-delay";

export interface TimerRouteOptions {
  /**
   * `fixed-rate` (default): ticks on a fixed grid, start + initialDelay + k × interval,
   * whatever a run takes; a tick that finds the previous run going is skipped
   * and counted. `fixed-delay`: the next run starts `interval` after the
   * previous one ended.
   */
  mode?: TimerMode;
  /** Wait before the first run; default one interval (as `setInterval`). `0` runs at start. */
  initialDelay?: Duration;
  /** Add a random delay in [0, jitter) to each run, so instances don't fire in step; default 0. */
  jitter?: Duration;
  /** `ctx.request` of each run, copied per run (structuredClone). Default `{}`. */
  input?: unknown;
}

export interface TimerRouterOptions {
  /** The clock (ms since epoch), for tests; default `Date.now`. */
  now?: () => number;
  /** Random numbers in [0, 1) for jitter, for tests; default `Math.random`. */
  random?: () => number;
}

/** Counters of one timer since start. */
export interface TimerRouteStats {
  name: string;
  mode: TimerMode;
  intervalMs: number;
  /** Runs started. */
  runs: number;
  /** Runs that threw. */
  failed: number;
  /** Fixed-rate ticks skipped because the previous run was still going. */
  skipped: number;
  /** When the next run is planned (ms since epoch), while started and not running a fixed-delay run. */
  nextAt: number | undefined;
}

export interface TimerRouter extends Router {
  /**
   * Run `target` (a handler name or endpoint) every `interval` (ms, or
   * `"500ms"`, `"5s"`, `"1m"`, `"1h"`). `name` is the route (`ctx.route`),
   * unique per router. Bad options throw here, at registration.
   */
  route(name: string, interval: Duration, target: string | Endpoint, options?: TimerRouteOptions): this;
  /** Counters per timer. */
  stats(): TimerRouteStats[];
}

/** Node's setTimeout overflows past 2^31-1 ms (~24.8 days): longer waits are chained. */
const maxTimeout = 2_147_483_647;

interface Entry {
  name: string;
  target: string | Endpoint;
  mode: TimerMode;
  interval: number;
  /** `interval` as ctx.meta carries it, made once. */
  intervalText: string;
  initialDelay: number;
  jitter: number;
  input: unknown;
  handler: string;
  endpoint: Endpoint | undefined;
  /** Fixed-rate grid point of the next tick (jitter excluded). */
  slot: number;
  /** When the next run fires (slot or end of the last run, plus jitter). */
  nextAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  stats: TimerRouteStats;
}

function duration(value: Duration | undefined, fallback: number, what: string, name: string, positive = false): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined || (positive && ms <= 0)) {
    throw timerError(
      "WEGO_ERR_TIMER_OPTION_INVALID",
      `timer "${name}": ${what} must be ${positive ? "a positive" : "a non-negative"} duration (ms, "500ms", "5s", "1m", "1h"), got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/**
 * The interval-timer router. Each run is an invocation with transport
 * `timer`, route the timer's name, a fresh context whose request is a copy of
 * the timer's `input` (runs never share a mutable object, unlike the
 * original), and `ctx.meta` `{ timer, mode, interval, scheduledAt }`. Runs of
 * one timer never overlap. Stop clears every timer and waits for running runs
 * up to the deadline.
 *
 * @example
 * app.router("timer", createTimerRouter()
 *   .route("heartbeat", "5s", "ops.heartbeat")
 *   .route("sync", "1m", app.handler("sync"), { mode: "fixed-delay", initialDelay: 0, jitter: "5s", input: { full: false } }));
 */
export function createTimerRouter(options: TimerRouterOptions = {}): TimerRouter {
  return new TimerRouterImpl(options);
}

class TimerRouterImpl implements TimerRouter {
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #entries = new Map<string, Entry>();
  #app: App | undefined;
  #accepting = false;

  constructor(options: TimerRouterOptions) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  route(name: string, interval: Duration, target: string | Endpoint, options: TimerRouteOptions = {}): this {
    if (this.#entries.has(name)) throw timerError("WEGO_ERR_TIMER_ROUTE_DUPLICATE", `timer "${name}" is registered twice`);
    const mode = options.mode ?? "fixed-rate";
    if (mode !== "fixed-rate" && mode !== "fixed-delay") {
      throw timerError(
        "WEGO_ERR_TIMER_OPTION_INVALID",
        `timer "${name}": mode must be "fixed-rate" or "fixed-delay", got ${JSON.stringify(mode)}`,
      );
    }
    const every = duration(interval, 0, "interval", name, true);
    try {
      structuredClone(options.input);
    } catch (err) {
      throw timerError("WEGO_ERR_TIMER_OPTION_INVALID", `timer "${name}": input must be structured-cloneable`, err);
    }
    this.#entries.set(name, {
      name,
      target,
      mode,
      interval: every,
      intervalText: String(every),
      initialDelay: duration(options.initialDelay, every, "initialDelay", name),
      jitter: duration(options.jitter, 0, "jitter", name),
      input: options.input,
      handler: typeof target === "string" ? target : "",
      endpoint: undefined,
      slot: 0,
      nextAt: undefined,
      timer: undefined,
      running: undefined,
      stats: { name, mode, intervalMs: every, runs: 0, failed: 0, skipped: 0, nextAt: undefined },
    });
    return this;
  }

  routes(): RouteInfo[] {
    return [...this.#entries.values()].map((e) => ({ route: e.name, handler: e.handler || targetName(e.target) }));
  }

  stats(): TimerRouteStats[] {
    return [...this.#entries.values()].map((e) => ({ ...e.stats, nextAt: e.nextAt }));
  }

  start(app: App): void {
    // Resolve every target before arming any timer, so an unknown handler leaves none behind.
    for (const e of this.#entries.values()) {
      const resolved = app.resolve(e.target, e.name);
      e.handler = resolved.name;
      e.endpoint = resolved.endpoint;
    }
    this.#app = app;
    this.#accepting = true;
    const t = this.#now();
    for (const e of this.#entries.values()) {
      e.slot = t + e.initialDelay;
      this.#arm(e, e.slot);
    }
  }

  async stop({ signal }: StopOptions): Promise<void> {
    this.#accepting = false;
    const running: Promise<void>[] = [];
    for (const e of this.#entries.values()) {
      clearTimeout(e.timer);
      e.timer = undefined;
      e.nextAt = undefined;
      if (e.running) running.push(e.running);
    }
    if (running.length === 0) return;
    // Runs never reject (#run catches); the app aborts whatever is left at the deadline.
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      void Promise.all(running).then(() => resolve());
    });
  }

  /** Fire at `base` plus this run's jitter. */
  #arm(e: Entry, base: number): void {
    e.nextAt = e.jitter > 0 ? base + this.#random() * e.jitter : base;
    this.#wait(e);
  }

  #wait(e: Entry): void {
    const delay = Math.min(Math.max(0, (e.nextAt as number) - this.#now()), maxTimeout);
    e.timer = setTimeout(() => this.#onTimer(e), delay);
  }

  #onTimer(e: Entry): void {
    if (!this.#accepting || e.nextAt === undefined) return;
    const at = e.nextAt;
    const t = this.#now();
    if (t < at) {
      this.#wait(e); // a chained long wait
      return;
    }
    if (e.mode === "fixed-delay") {
      e.nextAt = undefined;
      this.#start(e, at).then(() => {
        if (this.#accepting) this.#arm(e, this.#now() + e.interval);
      });
      return;
    }
    // Fixed rate: the next slot on the grid after now; slots missed while the process was blocked are dropped.
    e.slot += e.interval * Math.max(1, Math.floor((t - e.slot) / e.interval) + 1);
    this.#arm(e, e.slot);
    if (e.running !== undefined) {
      e.stats.skipped++;
      this.#app?.log.warn(
        { timer: e.name, scheduledAt: new Date(at).toISOString() },
        "timer tick skipped: the previous run is still going",
      );
      return;
    }
    void this.#start(e, at);
  }

  #start(e: Entry, at: number): Promise<void> {
    const run = this.#run(e, at);
    e.running = run;
    return run.then(() => {
      e.running = undefined;
    });
  }

  async #run(e: Entry, at: number): Promise<void> {
    const app = this.#app as App;
    const ctx = app.context({
      transport: "timer",
      route: e.name,
      handler: e.handler,
      request: e.input === undefined ? {} : structuredClone(e.input),
      meta: { timer: e.name, mode: e.mode, interval: e.intervalText, scheduledAt: new Date(at).toISOString() },
    });
    e.stats.runs++;
    try {
      await app.run(e.endpoint as Endpoint, ctx);
    } catch (err) {
      e.stats.failed++;
      ctx.log.error({ err }, "timer run failed");
    }
  }
}
