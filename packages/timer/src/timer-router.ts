import type { App, InputOf, RouteInfo, Router, StopOptions } from "@wego/core";
import {
  type Alarm,
  createAlarm,
  createDispatcher,
  createRouteTable,
  type Dispatcher,
  dispatchRun,
  type Invocation,
  type RouteEntry,
  type RouteTarget,
  type RunNowOptions,
  type RunOutcome,
  runOutcome,
} from "@wego/core/transport";
import { type Duration, parseDuration } from "./duration.js";
import { timerError } from "./timer-errors.js";

/** How a timer repeats: on a fixed grid, or a fixed delay after each run ends. */
export type TimerMode = "fixed-rate" | "fixed-delay";

/** Options of one timer; `I` is the input type of its target (a typed handler's, else `unknown`). */
export interface TimerRouteOptions<I = unknown> {
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
  /** `ctx.request` of each run, copied per run (structuredClone); typed as the target's input. Default `{}`. */
  input?: I;
}

/** Options of {@link createTimerRouter}. */
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
  /** Runs going now. */
  running: number;
  /** Runs started (scheduled and `runNow`). */
  runs: number;
  /** Runs that failed (a fault or a refusal, such as a rate limit). */
  failed: number;
  /** Ticks skipped because a run of the timer was still going. */
  skipped: number;
  /** When the next run is planned (ms since epoch), while started and not running a fixed-delay run. */
  nextAt: number | undefined;
}

/** The interval-timer router: timers, their stats, and runs on demand. */
export interface TimerRouter extends Router {
  /**
   * Run `target` (a handler name, a typed handler or an endpoint) every
   * `interval` (ms, or `"500ms"`, `"5s"`, `"1m"`, `"1h"`). `name` is the
   * route (`ctx.route`), unique per router. Bad options throw here; so does
   * a name taken (`WEGO_ERR_ROUTE_DUPLICATE`) or a router already started
   * (`WEGO_ERR_ROUTE_LATE`).
   */
  route<H extends RouteTarget>(name: string, interval: Duration, target: H, options?: TimerRouteOptions<InputOf<H>>): this;
  /**
   * Run the timer `name` now, outside its schedule (an operator's "run this
   * job now"), through the same dispatch as its ticks: filters, logging and
   * stats alike. It does not move the schedule; a tick that comes while it
   * runs is skipped, as for any run. Resolves with the outcome (an unknown
   * name: `WEGO_ERR_TIMER_ROUTE_UNKNOWN`; while stopping: `unavailable`);
   * rejects only before start.
   */
  runNow(name: string, options?: RunNowOptions): Promise<RunOutcome>;
  /** Counters per timer. */
  stats(): TimerRouteStats[];
}

/** A timer's own data in the route table. */
interface Timer {
  readonly mode: TimerMode;
  readonly interval: number;
  /** `interval` as ctx.meta carries it, made once. */
  readonly intervalText: string;
  readonly initialDelay: number;
  readonly jitter: number;
  readonly input: unknown;
  /** Fixed-rate grid point of the next tick (jitter excluded). */
  slot: number;
  alarm: Alarm | undefined;
  /** Its counters; `running` counts the scheduled run and those asked for with runNow. */
  readonly stats: TimerRouteStats;
}

type Entry = RouteEntry<Timer>;

function duration(value: Duration | undefined, fallback: number, what: string, name: string, positive = false): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined || (positive && ms <= 0)) {
    const kind = positive ? "a positive" : "a non-negative";
    throw timerError(
      "WEGO_ERR_TIMER_OPTION_INVALID",
      name,
      `${what} must be ${kind} duration (ms, "500ms", "5s", "1m", "1h"), got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/**
 * The interval-timer router. Each run is one dispatch with transport
 * `timer`, route the timer's name, a fresh context whose request is a copy of
 * the timer's `input` (runs never share a mutable object, unlike the
 * original), and `ctx.meta` `{ timer, mode, interval, scheduledAt, trigger }`.
 * Runs of one timer never overlap. Nobody sees a run's answer, so refusals
 * (a rate limit…) are logged at `warn`, faults once at `error`. Stop clears
 * every timer and drains running runs up to the deadline.
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
  readonly #table = createRouteTable<Timer>("timer");
  #app: App | undefined;
  #d: Dispatcher | undefined;

  constructor(options: TimerRouterOptions) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  route<H extends RouteTarget>(name: string, interval: Duration, target: H, options: TimerRouteOptions<InputOf<H>> = {}): this {
    const mode = options.mode ?? "fixed-rate";
    if (mode !== "fixed-rate" && mode !== "fixed-delay")
      throw timerError("WEGO_ERR_TIMER_OPTION_INVALID", name, `mode must be "fixed-rate" or "fixed-delay", got ${JSON.stringify(mode)}`);
    const every = duration(interval, 0, "interval", name, true);
    try {
      structuredClone(options.input);
    } catch (err) {
      throw timerError.with({ cause: err })("WEGO_ERR_TIMER_OPTION_INVALID", name, "input must be structured-cloneable");
    }
    this.#table.add(name, target, {
      mode,
      interval: every,
      intervalText: String(every),
      initialDelay: duration(options.initialDelay, every, "initialDelay", name),
      jitter: duration(options.jitter, 0, "jitter", name),
      input: options.input,
      slot: 0,
      alarm: undefined,
      stats: { name, mode, intervalMs: every, running: 0, runs: 0, failed: 0, skipped: 0, nextAt: undefined },
    });
    return this;
  }

  routes(): RouteInfo[] {
    return this.#table.routes();
  }

  stats(): TimerRouteStats[] {
    return this.#table.entries().map((e) => ({ ...e.spec.stats, nextAt: e.spec.alarm?.at }));
  }

  start(app: App): void {
    // Resolves every target first: an unknown handler fails the start with no timer armed.
    this.#table.start(app);
    this.#app = app;
    this.#d = createDispatcher(app, { transport: "timer", refusals: "warn" });
    const t = this.#now();
    for (const e of this.#table.entries()) {
      e.spec.alarm = createAlarm((at) => this.#tick(e, at), this.#now);
      e.spec.slot = t + e.spec.initialDelay;
      this.#arm(e, e.spec.slot);
    }
  }

  async stop({ signal }: StopOptions): Promise<void> {
    for (const e of this.#table.entries()) e.spec.alarm?.clear();
    await this.#d?.drain(signal);
  }

  runNow(name: string, options: RunNowOptions = {}): Promise<RunOutcome> {
    const d = this.#d;
    if (d === undefined) return Promise.reject(timerError("WEGO_ERR_TIMER_NOT_STARTED", name));
    const e = this.#table.get(name);
    const inv = this.#invocation(e, this.#now(), "manual", options.input);
    if (e !== undefined) return runOutcome(inv, options, (answer) => dispatchRun(d, e, inv, e.spec.stats, answer));
    const known = this.#table.entries().map((x) => x.key);
    const unknown = timerError("WEGO_ERR_TIMER_ROUTE_UNKNOWN", name, known.join(", ") || "none");
    return runOutcome(inv, options, (answer) => d.refuse(name, inv, unknown, answer));
  }

  /** Fire at `base` plus this run's jitter. */
  #arm(e: Entry, base: number): void {
    const t = e.spec;
    (t.alarm as Alarm).set(t.jitter > 0 ? base + this.#random() * t.jitter : base);
  }

  #tick(e: Entry, at: number): void {
    const t = e.spec;
    const now = this.#now();
    if (t.mode === "fixed-rate") {
      // The next slot on the grid after now; slots missed while the process was blocked are dropped.
      t.slot += t.interval * Math.max(1, Math.floor((now - t.slot) / t.interval) + 1);
      this.#arm(e, t.slot);
    }
    if (t.stats.running > 0) {
      t.stats.skipped++;
      this.#app?.log.warn({ timer: e.key, scheduledAt: new Date(at).toISOString() }, "timer tick skipped: a run is still going");
      if (t.mode === "fixed-delay") this.#arm(e, now + t.interval);
      return;
    }
    const inv = this.#invocation(e, at, "schedule");
    if (t.mode === "fixed-rate") dispatchRun(this.#d as Dispatcher, e, inv, t.stats);
    else
      dispatchRun(this.#d as Dispatcher, e, inv, t.stats, () => {
        // Fixed delay: the next run is planned when this one has ended, unless the router is stopping.
        if (this.#d?.closed === false) this.#arm(e, this.#now() + t.interval);
      });
  }

  #invocation(e: Entry | undefined, at: number, trigger: "schedule" | "manual", input?: unknown): Invocation {
    const t = e?.spec;
    const request = input !== undefined ? input : t?.input === undefined ? {} : structuredClone(t.input);
    const meta = { timer: e?.key, mode: t?.mode, interval: t?.intervalText, scheduledAt: new Date(at).toISOString(), trigger };
    return { request, meta };
  }
}
