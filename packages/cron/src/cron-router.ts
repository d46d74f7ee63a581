import type { App, DistributedLock, InputOf, RouteInfo, Router, StopOptions } from "@wego/core";
import {
  type Alarm,
  createAlarm,
  createDispatcher,
  createRouteTable,
  type Dispatcher,
  dispatchRun,
  type Invocation,
  type RouteEntry,
  type RouteTable,
  type RouteTarget,
  type RunNowOptions,
  type RunOutcome,
  runOutcome,
  targetName,
} from "@wego/core/transport";
import { cronError } from "./cron-errors.js";
import { type CronSchedule, compileSchedule } from "./cron-schedule.js";

/** Options of {@link createCronRouter}. */
export interface CronRouterOptions {
  /** Time zone of routes that don't name one; default config `cron.timezone`, else `"UTC"`. */
  timezone?: string;
  /**
   * Run each scheduled time once across instances: before a run the router
   * takes a lock keyed on the route and the scheduled time; only the
   * instance that gets it runs. `createMemoryLock()` in one process,
   * `@wego/redis`'s lock across processes. A function is called at start,
   * after the providers registered, for a lock built on an app resource:
   * `(app) => createRedisLock(redis(app))`.
   */
  lock?: DistributedLock | ((app: App) => DistributedLock);
  /**
   * How long a tick's lock is held, in ms (default 60 000). It is never
   * released early: an instance whose clock is behind reaches the same tick
   * later and must still find it taken, so this must exceed the clock skew
   * between instances plus their scheduling delay.
   */
  lockTtl?: number;
  /** Lock key prefix; default `wego:cron:<app name>:`. */
  lockPrefix?: string;
  /** The clock (ms since epoch), for tests; default `Date.now`. */
  now?: () => number;
}

/** Options of one cron route; `I` is the input type of its target (a typed handler's, else `unknown`). */
export interface CronRouteOptions<I = unknown> {
  /** Names the route in logs, stats, lock keys and `runNow`; default `<handler>@<spec>`. Unique per router. */
  name?: string;
  /** IANA time zone for this route (`"Europe/Paris"`); default the router's. */
  timezone?: string;
  /** The request of each run, copied per run (structuredClone); typed as the target's input. Default `{}`. */
  input?: I;
  /** Let a tick start while the previous run still goes; default false (the tick is skipped and counted). */
  overlap?: boolean;
  /** Take the router's lock for this route; default true when the router has one. */
  lock?: boolean;
}

/** Counters of one route since start. */
export interface CronRouteStats {
  name: string;
  spec: string;
  timezone: string;
  /** Runs going now on this instance. */
  running: number;
  /** Runs started on this instance (scheduled and `runNow`). */
  runs: number;
  /** Runs that failed (a fault or a refusal, such as a rate limit). */
  failed: number;
  /** Ticks skipped because the previous run was still going. */
  skipped: number;
  /** Ticks another instance took (the lock was held). */
  lockedOut: number;
  /** Ticks not run because the lock could not be asked (e.g. Redis down). */
  lockErrors: number;
  /** Next scheduled time (ms since epoch), while started. */
  nextAt: number | undefined;
}

/** The cron router: routes on cron specs, their stats, and runs on demand. */
export interface CronRouter extends Router {
  /**
   * Run `target` (a handler name, a typed handler or an endpoint) on `spec`:
   * six fields with seconds first (`"*\/5 * * * * *"`) or the classic five
   * (`"0 3 * * *"`). The spec and time zone are checked at start; a bad one
   * fails the start naming the route. A name taken throws
   * `WEGO_ERR_ROUTE_DUPLICATE`, a route added after start `WEGO_ERR_ROUTE_LATE`.
   */
  route<H extends RouteTarget>(spec: string, target: H, options?: CronRouteOptions<InputOf<H>>): this;
  /**
   * Run the route named `name` now, outside its schedule (an operator's "run
   * this job now"), through the same dispatch as its ticks: filters, logging
   * and stats alike, without the lock (it guards scheduled times). A tick
   * that comes while it runs is skipped unless the route allows overlap.
   * Resolves with the outcome (an unknown name: `WEGO_ERR_CRON_ROUTE_UNKNOWN`;
   * while stopping: `unavailable`); rejects only before start.
   */
  runNow(name: string, options?: RunNowOptions): Promise<RunOutcome>;
  /** Counters per route. */
  stats(): CronRouteStats[];
}

const defaultLockTtl = 60_000;

/** A route's own data in the route table. */
interface Job {
  /** The route's name: `options.name`, else `<handler>@<spec>` once the handler is resolved at start. */
  name: string;
  readonly spec: string;
  readonly options: CronRouteOptions;
  schedule: CronSchedule | undefined;
  locked: boolean;
  alarm: Alarm | undefined;
  /** Ticks asking for the lock: with `stats.running`, what a tick without overlap waits for. */
  locking: number;
  readonly stats: CronRouteStats;
}

type Entry = RouteEntry<Job>;

/**
 * The cron router. Each tick is one dispatch with transport `cron`, route
 * the spec, a fresh context and `ctx.meta` `{ spec, timezone, scheduledAt,
 * name, trigger }` (`scheduledAt` is the tick's ISO time, not the moment the
 * timer fired). Ticks never stack: one that finds the previous run going is
 * skipped and counted. Nobody sees a run's answer, so refusals (a rate
 * limit…) are logged at `warn`, faults once at `error`. Stop clears the
 * schedule and drains running jobs up to the deadline.
 *
 * @example
 * app.router("cron", createCronRouter({ timezone: "Europe/Paris" })
 *   .route("*\/5 * * * * *", app.handler("one"))
 *   .route("0 0 3 * * *", "report.nightly", { lock: true }));
 */
export function createCronRouter(options: CronRouterOptions = {}): CronRouter {
  return new CronRouterImpl(options);
}

class CronRouterImpl implements CronRouter {
  readonly #options: CronRouterOptions;
  readonly #now: () => number;
  readonly #table = createRouteTable<Job>("cron");
  /** The routes by their final name (set at start: a default name needs the resolved handler). */
  #byName: RouteTable<Entry> | undefined;
  #app: App | undefined;
  #d: Dispatcher | undefined;
  #lockPrefix = "";
  #lock: DistributedLock | undefined;
  readonly #lockTtl: number;

  constructor(options: CronRouterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#lockTtl = options.lockTtl ?? defaultLockTtl;
    if (!Number.isSafeInteger(this.#lockTtl) || this.#lockTtl <= 0)
      throw cronError("WEGO_ERR_CRON_OPTION_INVALID", "lockTtl", "a positive integer of ms", String(options.lockTtl));
  }

  route<H extends RouteTarget>(spec: string, target: H, options: CronRouteOptions<InputOf<H>> = {}): this {
    // A given name, or the best guess before start (a name or a handler reference carries its handler's
    // name, an endpoint may not): a name taken fails here; a default name clashing once resolved fails the start.
    const guess = targetName(target);
    const key = options.name ?? (guess === "(inline)" ? `(inline #${this.#table.size + 1})@${spec}` : `${guess}@${spec}`);
    const stats = {
      name: key,
      spec,
      timezone: "",
      running: 0,
      runs: 0,
      failed: 0,
      skipped: 0,
      lockedOut: 0,
      lockErrors: 0,
      nextAt: undefined,
    };
    const job: Job = { name: key, spec, options, schedule: undefined, locked: false, alarm: undefined, locking: 0, stats };
    this.#table.add(key, target, job, spec);
    return this;
  }

  routes(): RouteInfo[] {
    return this.#table.routes();
  }

  stats(): CronRouteStats[] {
    return this.#table.entries().map((e) => ({ ...e.spec.stats, nextAt: e.spec.alarm?.at }));
  }

  start(app: App): void {
    const zone = this.#options.timezone ?? app.config.get("cron.timezone", "UTC");
    const lock = typeof this.#options.lock === "function" ? this.#options.lock(app) : this.#options.lock;
    // Resolve and compile every route before arming any, so a bad one leaves no timer behind.
    this.#table.start(app);
    const byName = createRouteTable<Entry>("cron");
    for (const e of this.#table.entries()) {
      const job = e.spec;
      job.name = job.options.name ?? `${e.handler}@${job.spec}`;
      job.stats.name = job.name;
      byName.add(job.name, e.target, e);
      job.schedule = compileSchedule(job.spec, job.options.timezone ?? zone, job.name);
      job.locked = lock !== undefined && job.options.lock !== false;
      job.stats.timezone = job.schedule.timezone;
    }
    this.#byName = byName;
    this.#app = app;
    this.#lock = lock;
    this.#lockPrefix = this.#options.lockPrefix ?? `wego:cron:${app.name}:`;
    this.#d = createDispatcher(app, { transport: "cron", refusals: "warn" });
    const t = this.#now();
    for (const e of this.#table.entries()) {
      const job = e.spec;
      job.alarm = createAlarm((at) => this.#tick(e, at), this.#now);
      job.alarm.set((job.schedule as CronSchedule).next(t));
    }
  }

  async stop({ signal }: StopOptions): Promise<void> {
    for (const e of this.#table.entries()) e.spec.alarm?.clear();
    await this.#d?.drain(signal);
  }

  runNow(name: string, options: RunNowOptions = {}): Promise<RunOutcome> {
    const d = this.#d;
    if (d === undefined) return Promise.reject(cronError("WEGO_ERR_CRON_NOT_STARTED", name));
    const e = this.#byName?.get(name)?.spec;
    const inv = this.#invocation(e, this.#now(), "manual", options.input);
    if (e === undefined) {
      const names = this.#table.entries().map((x) => x.spec.name);
      return runOutcome(inv, options, (answer) =>
        d.refuse(name, inv, cronError("WEGO_ERR_CRON_ROUTE_UNKNOWN", name, names.join(", ") || "none"), answer),
      );
    }
    return runOutcome(inv, options, (answer) => dispatchRun(d, e, inv, e.spec.stats, answer));
  }

  #tick(e: Entry, at: number): void {
    const job = e.spec;
    // Arm the next tick first, so the schedule never depends on how long a run takes.
    // Ticks missed while the process was blocked are not replayed.
    (job.alarm as Alarm).set((job.schedule as CronSchedule).next(Math.max(this.#now(), at)));
    if (!job.options.overlap && job.stats.running + job.locking > 0) {
      job.stats.skipped++;
      this.#app?.log.warn(
        { route: job.name, scheduledAt: new Date(at).toISOString() },
        "cron tick skipped: the previous run is still going",
      );
      return;
    }
    const inv = this.#invocation(e, at, "schedule");
    if (!job.locked) dispatchRun(this.#d as Dispatcher, e, inv, job.stats);
    else {
      // Admitted now: a stop that begins while the lock is asked still runs the tick this instance took.
      job.locking++;
      (this.#d as Dispatcher).admit();
      inv.admitted = true;
      void this.#runLocked(e, at, inv);
    }
  }

  async #runLocked(e: Entry, at: number, inv: Invocation): Promise<void> {
    const job = e.spec;
    // The key names the scheduled time (a whole second of the spec), not the
    // moment this instance's timer fired, so instances whose clocks differ
    // still agree on it.
    const key = `${this.#lockPrefix}${job.name}:${Math.floor(at / 1000)}`;
    let taken: boolean;
    try {
      taken = (await (this.#lock as DistributedLock).acquire(key, this.#lockTtl)) !== undefined;
      if (!taken) job.stats.lockedOut++;
    } catch (err) {
      taken = false;
      job.stats.lockErrors++;
      this.#app?.log.error({ err, route: job.name, scheduledAt: inv.meta?.scheduledAt }, "cron tick not run: the lock could not be taken");
    }
    job.locking--;
    if (taken) dispatchRun(this.#d as Dispatcher, e, inv, job.stats);
    else (this.#d as Dispatcher).release();
  }

  #invocation(e: Entry | undefined, at: number, trigger: "schedule" | "manual", input?: unknown): Invocation {
    const job = e?.spec;
    const request = input !== undefined ? input : job?.options.input === undefined ? {} : structuredClone(job.options.input);
    const meta = { spec: job?.spec, timezone: job?.stats.timezone, scheduledAt: new Date(at).toISOString(), name: job?.name, trigger };
    return { request, meta };
  }
}
