/**
 * What the scheduling transports (cron, timer) share: an alarm for each
 * route's next run, and the outcome of a run asked for now (`runNow`).
 */
import type { WegoError } from "../errors/wego-error.js";
import type { Answer, Dispatcher, DispatchTarget, Invocation } from "./dispatcher.js";

/** Node's setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once: longer waits are chained. */
const MAX_TIMEOUT = 2_147_483_647;

/**
 * A one-shot timer set for an absolute time on a clock: what a scheduling
 * transport (cron, timer) arms for each route's next run.
 */
export interface Alarm {
  /** When it fires (ms since epoch on its clock), or undefined when it is not set or has fired. */
  readonly at: number | undefined;
  /** Fire at `at` (a time already past fires on the next turn), replacing any time set before. */
  set(at: number): void;
  /** Cancel; nothing fires until the next `set`. */
  clear(): void;
}

/**
 * An {@link Alarm} calling `fire(at)` once `now()` has reached `at`. Unlike a
 * bare `setTimeout` it never fires early: waits longer than Node's timer
 * limit are chained, and when the timer goes off before the clock reads `at`
 * (a wall clock stepped back, a test clock that runs ahead or behind) it
 * waits again for the rest. `fire` gets the time it was set for, not the
 * moment it ran, so schedules can key on it.
 *
 * @example
 * const alarm = createAlarm((at) => runTick(at), options.now);
 * alarm.set(schedule.next(Date.now()));
 * // on stop:
 * alarm.clear();
 */
export function createAlarm(fire: (at: number) => void, now: () => number = Date.now): Alarm {
  let at: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const wait = (): void => {
    timer = setTimeout(check, Math.min(Math.max(0, (at as number) - now()), MAX_TIMEOUT));
  };

  function check(): void {
    timer = undefined;
    if (at === undefined) return;
    if (now() < at) {
      wait();
      return;
    }
    const due = at;
    at = undefined;
    fire(due);
  }

  return {
    get at() {
      return at;
    },
    set(time) {
      clearTimeout(timer);
      at = time;
      wait();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      at = undefined;
    },
  };
}

/** Options of a scheduled route's run on demand (`router.runNow(name, options)`): an operator's "run this job now". */
export interface RunNowOptions {
  /** The run's input; default the route's own. */
  input?: unknown;
  /** The run's request id (adopted when it passes the request-id rule, else one is generated). */
  id?: string;
  /** A deadline in ms from now: the run is answered `deadline_exceeded` and its `ctx.signal` aborted when it passes. */
  timeoutMs?: number;
}

/** How one run went: its request id, and its error (normalised, already logged) or its result. */
export interface RunOutcome {
  id: string;
  error?: WegoError;
  result?: unknown;
}

/**
 * Run once and resolve how it went: `start` dispatches (or refuses) the
 * run with the answer it is given, `inv` gets the options' id and deadline.
 * What a scheduled run only logs, `runNow` hands its caller.
 *
 * @example
 * runNow(name, options = {}) {
 *   const inv = { request: options.input ?? copy(job.input) };
 *   return runOutcome(inv, options, (answer) => dispatcher.dispatch(entry, inv, answer));
 * }
 */
export function runOutcome(inv: Invocation, options: RunNowOptions, start: (answer: Answer) => void): Promise<RunOutcome> {
  inv.id = options.id;
  if (options.timeoutMs !== undefined) inv.deadline = Date.now() + options.timeoutMs;
  return new Promise((resolve) =>
    start((ctx, error, result) => resolve(error === undefined ? { id: ctx.id, result } : { id: ctx.id, error })),
  );
}

/** A scheduled route's run counters, kept by {@link dispatchRun}. */
export interface RunCounters {
  /** Runs dispatched and not answered yet. */
  running: number;
  /** Runs dispatched. */
  runs: number;
  /** Runs answered with an error (a fault or a refusal). */
  failed: number;
}

/**
 * Dispatch one run of a scheduled route, counted in `counters` (`running`
 * until it is answered). Nobody else sees a scheduled run's answer: dispatch
 * logs a failure (a refusal at the dispatcher's refusal level, a fault once
 * at error), so the router logs nothing itself; `then` gets the answer.
 */
export function dispatchRun(d: Dispatcher, target: DispatchTarget, inv: Invocation, counters: RunCounters, then?: Answer): void {
  counters.running++;
  counters.runs++;
  d.dispatch(target, inv, (ctx, error, result) => {
    counters.running--;
    if (error !== undefined) counters.failed++;
    then?.(ctx, error, result);
  });
}
