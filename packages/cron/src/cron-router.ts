import { type App, type DistributedLock, type Endpoint, type RouteInfo, type Router, type StopOptions, targetName } from "@wego/core";
import { cronError } from "./cron-errors.js";
import { type CronSchedule, compileSchedule } from "./cron-schedule.js";

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

export interface CronRouteOptions {
  /** Names the route in logs, stats and lock keys; default `<handler>@<spec>`. Unique per router. */
  name?: string;
  /** IANA time zone for this route (`"Europe/Paris"`); default the router's. */
  timezone?: string;
  /** The request of each run; copied per run (structuredClone). Default `{}`. */
  input?: unknown;
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
  /** Runs started on this instance. */
  runs: number;
  /** Runs that threw. */
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

export interface CronRouter extends Router {
  /**
   * Run `target` (a handler name or endpoint) on `spec`: six fields with
   * seconds first (`"*\/5 * * * * *"`) or the classic five (`"0 3 * * *"`).
   * The spec and time zone are checked at start; a bad one fails the start
   * naming the route.
   */
  route(spec: string, target: string | Endpoint, options?: CronRouteOptions): this;
  /** Counters per route. */
  stats(): CronRouteStats[];
}

/** Node's setTimeout overflows past 2^31-1 ms (~24.8 days): longer waits are chained. */
const maxTimeout = 2_147_483_647;
const defaultLockTtl = 60_000;

interface Entry {
  spec: string;
  target: string | Endpoint;
  options: CronRouteOptions;
  name: string;
  handler: string;
  endpoint: Endpoint | undefined;
  schedule: CronSchedule | undefined;
  locked: boolean;
  timer: NodeJS.Timeout | undefined;
  nextAt: number | undefined;
  running: Set<Promise<void>>;
  stats: CronRouteStats;
}

/**
 * The cron router. Each tick is an invocation with transport `cron`, route
 * the spec, a fresh context and `ctx.meta` `{ spec, timezone, scheduledAt,
 * name }` (`scheduledAt` is the tick's ISO time, not the moment the timer
 * fired). Ticks never stack: one that finds the previous run going is
 * skipped and counted. Stop clears the schedule and waits for running jobs up
 * to the deadline.
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
  readonly #entries: Entry[] = [];
  #app: App | undefined;
  #accepting = false;
  #lockPrefix = "";
  #lock: DistributedLock | undefined;
  readonly #lockTtl: number;

  constructor(options: CronRouterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#lockTtl = options.lockTtl ?? defaultLockTtl;
    if (!Number.isSafeInteger(this.#lockTtl) || this.#lockTtl <= 0) {
      throw cronError(
        "WEGO_ERR_CRON_OPTION_INVALID",
        `cron router: lockTtl must be a positive integer of ms, got ${String(options.lockTtl)}`,
      );
    }
  }

  route(spec: string, target: string | Endpoint, options: CronRouteOptions = {}): this {
    const handler = targetName(target);
    this.#entries.push({
      spec,
      target,
      options,
      name: options.name ?? "",
      handler,
      endpoint: undefined,
      schedule: undefined,
      locked: false,
      timer: undefined,
      nextAt: undefined,
      running: new Set(),
      stats: { name: "", spec, timezone: "", runs: 0, failed: 0, skipped: 0, lockedOut: 0, lockErrors: 0, nextAt: undefined },
    });
    return this;
  }

  routes(): RouteInfo[] {
    return this.#entries.map((e) => ({ route: e.spec, handler: e.handler }));
  }

  stats(): CronRouteStats[] {
    return this.#entries.map((e) => ({ ...e.stats, nextAt: e.nextAt }));
  }

  start(app: App): void {
    const zone = this.#options.timezone ?? app.config.get("cron.timezone", "UTC");
    const names = new Set<string>();
    const lock = typeof this.#options.lock === "function" ? this.#options.lock(app) : this.#options.lock;
    // Validate every route before arming any, so a bad one leaves no timers behind.
    for (const e of this.#entries) {
      const resolved = app.resolve(e.target, e.spec);
      e.handler = resolved.name;
      e.endpoint = resolved.endpoint;
      e.name = e.options.name ?? `${resolved.name}@${e.spec}`;
      if (names.has(e.name)) {
        throw cronError("WEGO_ERR_CRON_ROUTE_DUPLICATE", `cron route "${e.name}" is registered twice; give one a distinct name`);
      }
      names.add(e.name);
      e.schedule = compileSchedule(e.spec, e.options.timezone ?? zone, e.name);
      e.locked = lock !== undefined && e.options.lock !== false;
      e.stats = { ...e.stats, name: e.name, timezone: e.schedule.timezone };
    }
    this.#app = app;
    this.#lock = lock;
    this.#lockPrefix = this.#options.lockPrefix ?? `wego:cron:${app.name}:`;
    this.#accepting = true;
    for (const e of this.#entries) this.#arm(e, this.#now());
  }

  async stop({ signal }: StopOptions): Promise<void> {
    this.#accepting = false;
    const running: Promise<void>[] = [];
    for (const e of this.#entries) {
      clearTimeout(e.timer);
      e.timer = undefined;
      e.nextAt = undefined;
      running.push(...e.running);
    }
    if (running.length === 0) return;
    // Runs never reject (#run catches); the app aborts whatever is left at the deadline.
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      void Promise.all(running).then(() => resolve());
    });
  }

  /** Schedule the first tick strictly after `after`. */
  #arm(e: Entry, after: number): void {
    e.nextAt = (e.schedule as CronSchedule).next(after);
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
    // Chained long waits, or a wall clock that moved back: not yet.
    if (t < at) {
      this.#wait(e);
      return;
    }
    // Arm the next tick first, so the schedule never depends on how long a run takes.
    // Ticks missed while the process was blocked are not replayed.
    this.#arm(e, Math.max(t, at));
    if (!e.options.overlap && e.running.size > 0) {
      e.stats.skipped++;
      this.#app?.log.warn({ route: e.name, scheduledAt: new Date(at).toISOString() }, "cron tick skipped: the previous run is still going");
      return;
    }
    const run = this.#run(e, at);
    e.running.add(run);
    void run.then(() => e.running.delete(run));
  }

  async #run(e: Entry, at: number): Promise<void> {
    const app = this.#app as App;
    const scheduledAt = new Date(at).toISOString();
    if (e.locked) {
      // The key names the scheduled time (a whole second of the spec), not the
      // moment this instance's timer fired, so instances whose clocks differ
      // still agree on it.
      const key = `${this.#lockPrefix}${e.name}:${Math.floor(at / 1000)}`;
      try {
        const handle = await (this.#lock as DistributedLock).acquire(key, this.#lockTtl);
        if (handle === undefined) {
          e.stats.lockedOut++;
          return;
        }
      } catch (err) {
        e.stats.lockErrors++;
        app.log.error({ err, route: e.name, scheduledAt }, "cron tick not run: the lock could not be taken");
        return;
      }
      if (!this.#accepting) return;
    }
    const input = e.options.input;
    const ctx = app.context({
      transport: "cron",
      route: e.spec,
      handler: e.handler,
      request: input === undefined ? {} : structuredClone(input),
      meta: { spec: e.spec, timezone: e.stats.timezone, scheduledAt, name: e.name },
    });
    e.stats.runs++;
    try {
      await app.run(e.endpoint as Endpoint, ctx);
    } catch (err) {
      e.stats.failed++;
      ctx.log.error({ err, scheduledAt }, "cron run failed");
    }
  }
}
