import { frameworkError } from "../errors/catalogue.js";
import { isBadInput } from "../errors/code.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitBreakerOptions {
  /** Name used in the error message and state-change callback. Default "circuit". */
  name?: string;
  /** Open when at least this % of the calls in the rolling window failed. Default 50. */
  errorThresholdPercentage?: number;
  /** …and the window holds at least this many calls. Default 20. */
  requestVolumeThreshold?: number;
  /** How long the circuit stays open before letting a trial call through, ms. Default 5000. */
  sleepWindowMs?: number;
  /** The rolling window of call outcomes, ms (kept in 10 buckets). Default 10,000. */
  rollingWindowMs?: number;
  /** Trial calls let through at once while half-open. Default 1. */
  halfOpenMaxCalls?: number;
  /**
   * Which errors count against the circuit. Default: those that are not the
   * caller's fault (a WegoError whose code is not bad input: not
   * `invalid_argument`, `not_found`, `unauthenticated`…).
   */
  isFailure?: (err: unknown) => boolean;
  /** Told of every transition (for logs and metrics). */
  onStateChange?: (to: CircuitState, from: CircuitState, name: string) => void;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

export interface CircuitStats {
  state: CircuitState;
  /** Calls and failures in the rolling window. */
  calls: number;
  failures: number;
}

/** A circuit breaker usable around any async call (server-side filter, HTTP client…). */
export interface CircuitBreaker {
  readonly state: CircuitState;
  /** Run `fn` through the breaker; while open, fails at once with `unavailable` and a `retryAfterMs`. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  stats(): CircuitStats;
  /** Back to closed with an empty window. */
  reset(): void;
}

const BUCKETS = 10;
const defaultIsFailure = (err: unknown): boolean => !isBadInput(WegoError.from(err).code);

/**
 * A circuit breaker: closed → open when, in the rolling window, at least
 * `requestVolumeThreshold` calls were made and `errorThresholdPercentage` %
 * of them failed; open → half-open after `sleepWindowMs`, letting
 * `halfOpenMaxCalls` trial calls through; half-open → closed when a trial
 * succeeds, back to open when one fails. Defaults are Hystrix's, which
 * go-chassis uses. A small state machine rather than a library: it needs an
 * injectable clock, no timers and a few hundred nanoseconds per call.
 *
 * @example
 * const breaker = createCircuitBreaker({ name: "billing" });
 * const invoice = await breaker.run(() => billing.fetch(id));
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const name = options.name ?? "circuit";
  const threshold = options.errorThresholdPercentage ?? 50;
  const volume = options.requestVolumeThreshold ?? 20;
  const sleepWindowMs = options.sleepWindowMs ?? 5000;
  const rollingWindowMs = options.rollingWindowMs ?? 10_000;
  const halfOpenMax = options.halfOpenMaxCalls ?? 1;
  const isFailure = options.isFailure ?? defaultIsFailure;
  const clock = options.now ?? Date.now;
  const where = `createCircuitBreaker(${name})`;
  if (!(threshold > 0 && threshold <= 100))
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", where, "errorThresholdPercentage must be in (0, 100]");
  if (!(volume >= 1)) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", where, "requestVolumeThreshold must be ≥ 1");
  if (!(sleepWindowMs > 0) || !(rollingWindowMs >= BUCKETS))
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", where, "windows must be positive ms");
  if (!(halfOpenMax >= 1)) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", where, "halfOpenMaxCalls must be ≥ 1");

  const bucketMs = rollingWindowMs / BUCKETS;
  // Ring of buckets: the bucket number (time / bucketMs) each slot holds, and its counts.
  const slot = new Float64Array(BUCKETS).fill(-1);
  const calls = new Uint32Array(BUCKETS);
  const failures = new Uint32Array(BUCKETS);
  let state: CircuitState = "closed";
  let openedAt = 0;
  let trials = 0;

  function transition(to: CircuitState): void {
    const from = state;
    state = to;
    if (to === "open") openedAt = clock();
    if (to === "closed") {
      slot.fill(-1);
      calls.fill(0);
      failures.fill(0);
    }
    trials = 0;
    options.onStateChange?.(to, from, name);
  }

  function record(failed: boolean): void {
    const b = Math.floor(clock() / bucketMs);
    const i = b % BUCKETS;
    if (slot[i] !== b) {
      slot[i] = b;
      calls[i] = 0;
      failures[i] = 0;
    }
    (calls[i] as number)++;
    if (failed) (failures[i] as number)++;
  }

  function totals(): { calls: number; failures: number } {
    const current = Math.floor(clock() / bucketMs);
    let c = 0;
    let f = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (current - (slot[i] as number) < BUCKETS) {
        c += calls[i] as number;
        f += failures[i] as number;
      }
    }
    return { calls: c, failures: f };
  }

  function onSuccess(trial: boolean): void {
    if (trial) {
      if (state === "half_open") transition("closed");
      return;
    }
    if (state === "closed") record(false);
  }

  function onFailure(trial: boolean): void {
    if (trial) {
      if (state === "half_open") transition("open");
      return;
    }
    if (state !== "closed") return;
    record(true);
    const t = totals();
    if (t.calls >= volume && t.failures * 100 >= threshold * t.calls) transition("open");
  }

  function rejectOpen(): Promise<never> {
    const retryAfterMs = Math.max(0, openedAt + sleepWindowMs - clock());
    return Promise.reject(new WegoError("unavailable", `circuit ${name} is open`, { retryAfterMs }));
  }

  async function guarded<T>(fn: () => Promise<T>, trial: boolean): Promise<T> {
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      if (trial) trials--;
      if (isFailure(err)) onFailure(trial);
      else onSuccess(trial);
      throw err;
    }
    if (trial) trials--;
    onSuccess(trial);
    return value;
  }

  return {
    get state() {
      if (state === "open" && clock() - openedAt >= sleepWindowMs) return "half_open";
      return state;
    },
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (state === "closed") return guarded(fn, false);
      if (state === "open") {
        if (clock() - openedAt < sleepWindowMs) return rejectOpen();
        transition("half_open");
      }
      if (trials >= halfOpenMax) return rejectOpen();
      trials++;
      return guarded(fn, true);
    },
    stats() {
      return { state: this.state, ...totals() };
    },
    reset() {
      transition("closed");
    },
  };
}

/**
 * The circuit breaker as a filter: one breaker for every call through it.
 * Pass options, or a breaker made with {@link createCircuitBreaker} to watch
 * or share it.
 */
export function circuitBreaker(options: CircuitBreakerOptions | CircuitBreaker = {}): Filter {
  const breaker =
    typeof (options as CircuitBreaker).run === "function"
      ? (options as CircuitBreaker)
      : createCircuitBreaker(options as CircuitBreakerOptions);
  return (next) =>
    function circuitBreakerFilter(ctx) {
      return breaker.run(() => next(ctx));
    };
}
