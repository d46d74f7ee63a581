import type { Context } from "../context.js";
import { frameworkError } from "../errors/catalogue.js";
import { Code } from "../errors/code.js";
import { WegoError } from "../errors/wego-error.js";
import type { Endpoint, Filter } from "../filter.js";
import { bulkhead } from "../filters/bulkhead.js";
import { type CircuitState, createCircuitBreaker } from "../filters/circuit-breaker.js";
import { timeout } from "../filters/timeout.js";
import { RuleError } from "./marker.js";
import { TokenBucket, type TokenBucketStore } from "./token-bucket.js";

/** The policy kinds, in the order they wrap an invocation (outermost first). */
export const POLICY_ORDER = ["fault", "rateLimit", "circuitBreaker", "bulkhead", "timeout"] as const;
/** Every policy kind `governance` knows; `retry` is for clients and never wraps a served invocation. */
export const POLICY_KINDS = [...POLICY_ORDER, "retry"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** `governance.rateLimit.<marker>`: a token bucket. */
export interface RateLimitSpec {
  /** Tokens per second, ≥ 0. 0 refills nothing: once the burst is spent every call is refused (a kill switch). */
  rate: number;
  /** Tokens saved up, an integer ≥ 0; default the rate rounded up (at least 1), 0 with rate 0. */
  burst?: number;
  /** One bucket across instances, in the app's `tokenBucketStoreKey` store (Redis). Default false. */
  shared?: boolean;
}

/** `governance.circuitBreaker.<marker>`. */
export interface CircuitBreakerSpec {
  /** Open at this % of failed calls in the window. Default 50. */
  errorPercent?: number;
  /** …when the window holds at least this many calls. Default 20. */
  volume?: number;
  /** Open this long before a trial call, ms. Default 5000. */
  sleepWindowMs?: number;
  /** The rolling window, ms. Default 10,000. */
  windowMs?: number;
  /** "open" refuses every call; "closed" lets every call through (no breaker). */
  force?: "open" | "closed";
}

/** `governance.bulkhead.<marker>`. */
export interface BulkheadSpec {
  maxConcurrent: number;
  maxQueue?: number;
  queueTimeoutMs?: number;
}

/** `governance.timeout.<marker>`: ms, or `{ ms }`. */
export type TimeoutSpec = number | { ms: number };

/** `governance.retry.<marker>`: for clients (the calls they make), not for served invocations. */
export interface RetrySpec {
  /** Tries in all, 1–10. */
  attempts: number;
  /** Wait before a retry, ms, doubled each time. Default 0. */
  backoffMs?: number;
  /** Codes worth retrying. Default unavailable, deadline_exceeded, resource_exhausted. */
  on?: Code[];
}

/** `governance.fault.<marker>`: delay first, then abort, each for a share of calls. */
export interface FaultSpec {
  delay?: { percent: number; ms: number };
  abort?: { percent: number; code: Code; message?: string };
}

/** What a built policy reports (the governance's metrics). */
export interface PolicyEvents {
  rejected(policy: PolicyKind, marker: string): void;
  fault(kind: "delay" | "abort", marker: string): void;
  circuit(marker: string, state: CircuitState): void;
}

/** What building a policy needs besides its spec. */
export interface PolicyEnv {
  marker: string;
  events: PolicyEvents;
  /** The shared bucket store, when one is set on the app. */
  buckets: TokenBucketStore | undefined;
  /** Namespace of shared bucket keys (the app's name). */
  namespace: string;
  random: () => number;
}

const CODES = new Set<string>(Object.values(Code));

function obj(where: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new RuleError(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function only(where: string, o: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) throw new RuleError(`${where} has an unknown key "${k}" (known: ${keys.join(", ")})`);
}

function num(where: string, v: unknown, check: (n: number) => boolean, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || !check(v)) throw new RuleError(`${where} must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

const isInt = (min: number) => (n: number) => Number.isInteger(n) && n >= min;
const percent = (n: number) => n >= 0 && n <= 100;

/** Validate one policy and return it normalised (defaults filled), or throw a {@link RuleError} naming `where`. */
export function validatePolicy(kind: PolicyKind, where: string, raw: unknown): unknown {
  if (kind === "timeout") {
    const ms = typeof raw === "number" ? raw : obj(where, raw).ms;
    if (typeof raw === "object") only(where, obj(where, raw), ["ms"]);
    return { ms: num(`${where}.ms`, ms, (n) => n > 0, "a positive number of ms") };
  }
  const o = obj(where, raw);
  switch (kind) {
    case "rateLimit": {
      only(where, o, ["rate", "burst", "shared"]);
      const rate = num(`${where}.rate`, o.rate, (n) => n >= 0, "a number ≥ 0 (tokens per second; 0 refills nothing)");
      const burst = num(`${where}.burst`, o.burst, isInt(0), "an integer ≥ 0", rate === 0 ? 0 : Math.max(1, Math.ceil(rate)));
      if (o.shared !== undefined && typeof o.shared !== "boolean") throw new RuleError(`${where}.shared must be true or false`);
      return { rate, burst, shared: o.shared === true };
    }
    case "circuitBreaker": {
      only(where, o, ["errorPercent", "volume", "sleepWindowMs", "windowMs", "force"]);
      if (o.force !== undefined && o.force !== "open" && o.force !== "closed")
        throw new RuleError(`${where}.force must be "open" or "closed", got ${JSON.stringify(o.force)}`);
      return {
        errorPercent: num(`${where}.errorPercent`, o.errorPercent, (n) => n > 0 && n <= 100, "in (0, 100]", 50),
        volume: num(`${where}.volume`, o.volume, isInt(1), "an integer ≥ 1", 20),
        sleepWindowMs: num(`${where}.sleepWindowMs`, o.sleepWindowMs, (n) => n > 0, "a positive number of ms", 5000),
        windowMs: num(`${where}.windowMs`, o.windowMs, (n) => n >= 10, "at least 10 ms", 10_000),
        ...(o.force === undefined ? {} : { force: o.force }),
      };
    }
    case "bulkhead": {
      only(where, o, ["maxConcurrent", "maxQueue", "queueTimeoutMs"]);
      return {
        maxConcurrent: num(`${where}.maxConcurrent`, o.maxConcurrent, isInt(1), "an integer ≥ 1"),
        maxQueue: num(`${where}.maxQueue`, o.maxQueue, isInt(0), "an integer ≥ 0", 0),
        ...(o.queueTimeoutMs === undefined
          ? {}
          : { queueTimeoutMs: num(`${where}.queueTimeoutMs`, o.queueTimeoutMs, (n) => n > 0, "a positive number of ms") }),
      };
    }
    case "retry": {
      only(where, o, ["attempts", "backoffMs", "on"]);
      const on = o.on ?? ["unavailable", "deadline_exceeded", "resource_exhausted"];
      if (!Array.isArray(on) || on.some((c) => !CODES.has(c))) throw new RuleError(`${where}.on must be a list of wego codes`);
      return {
        attempts: num(`${where}.attempts`, o.attempts, (n) => isInt(1)(n) && n <= 10, "an integer from 1 to 10"),
        backoffMs: num(`${where}.backoffMs`, o.backoffMs, (n) => n >= 0, "≥ 0", 0),
        on,
      };
    }
    case "fault": {
      only(where, o, ["delay", "abort"]);
      const out: FaultSpec = {};
      if (o.delay !== undefined) {
        const d = obj(`${where}.delay`, o.delay);
        only(`${where}.delay`, d, ["percent", "ms"]);
        out.delay = {
          percent: num(`${where}.delay.percent`, d.percent, percent, "a percentage from 0 to 100"),
          ms: num(`${where}.delay.ms`, d.ms, (n) => n >= 0, "≥ 0 ms"),
        };
      }
      if (o.abort !== undefined) {
        const a = obj(`${where}.abort`, o.abort);
        only(`${where}.abort`, a, ["percent", "code", "message"]);
        if (typeof a.code !== "string" || !CODES.has(a.code))
          throw new RuleError(`${where}.abort.code must be a wego code (${[...CODES].join(", ")}), got ${JSON.stringify(a.code)}`);
        out.abort = {
          percent: num(`${where}.abort.percent`, a.percent, percent, "a percentage from 0 to 100"),
          code: a.code as Code,
          ...(typeof a.message === "string" ? { message: a.message } : {}),
        };
      }
      if (out.delay === undefined && out.abort === undefined) throw new RuleError(`${where} needs a delay or an abort`);
      return out;
    }
  }
}

const callNext = (next: Endpoint, ctx: Context): Promise<unknown> => {
  try {
    return next(ctx);
  } catch (err) {
    return Promise.reject(err);
  }
};

/**
 * Count the refusals a code filter makes itself (not the errors that only
 * pass through it from further in): those are the policy's rejections.
 */
function counted(filter: Filter, onRejected: () => void): Filter {
  return (next) => {
    const through = new WeakSet<object>();
    const inner = filter((ctx) =>
      callNext(next, ctx).catch((err: unknown) => {
        if (err !== null && typeof err === "object") through.add(err);
        throw err;
      }),
    );
    return (ctx) =>
      callNext(inner, ctx).catch((err: unknown) => {
        if (err === null || typeof err !== "object" || !through.has(err)) onRejected();
        throw err;
      });
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Build the filter of a validated policy; state (buckets, breaker, slots) lives in the filter. */
export function buildPolicy(kind: Exclude<PolicyKind, "retry">, spec: unknown, env: PolicyEnv): Filter {
  const { marker, events } = env;
  switch (kind) {
    case "fault": {
      const { delay, abort } = spec as FaultSpec;
      const aborted = (): Promise<never> => {
        events.fault("abort", marker);
        return Promise.reject(
          new WegoError(abort?.code ?? "unavailable", abort?.message ?? `fault injected by marker "${marker}"`, {
            reason: "WEGO_ERR_GOV_FAULT",
          }),
        );
      };
      return (next) => (ctx) => {
        const delayed = delay !== undefined && delay.percent > 0 && env.random() * 100 < delay.percent;
        const abortNow = abort !== undefined && abort.percent > 0 && env.random() * 100 < abort.percent;
        if (!delayed) return abortNow ? aborted() : callNext(next, ctx);
        events.fault("delay", marker);
        return sleep((delay as { ms: number }).ms).then(() => (abortNow ? aborted() : next(ctx)));
      };
    }
    case "rateLimit": {
      const { rate, burst, shared } = spec as Required<RateLimitSpec>;
      const refuse = (retryAfterMs: number): Promise<never> => {
        events.rejected("rateLimit", marker);
        const e = frameworkError("WEGO_ERR_GOV_RATE_LIMITED", marker, rate, burst);
        if (Number.isFinite(retryAfterMs)) (e as { retryAfterMs?: number }).retryAfterMs = retryAfterMs;
        return Promise.reject(e);
      };
      if (shared) {
        const store = env.buckets;
        if (store === undefined) throw new RuleError("shared needs a token bucket store (app.set(tokenBucketStoreKey, …))");
        const key = `${env.namespace}:${marker}`;
        return (next) => (ctx) =>
          store.take(key, rate, burst).then(
            (wait) => (wait === 0 ? next(ctx) : refuse(wait)),
            (err: unknown) => Promise.reject(new WegoError("unavailable", "shared rate limiter store unavailable", { cause: err })),
          );
      }
      const bucket = new TokenBucket(rate, burst);
      return (next) => (ctx) => {
        const wait = bucket.take();
        return wait === 0 ? callNext(next, ctx) : refuse(wait);
      };
    }
    case "circuitBreaker": {
      const s = spec as Required<Omit<CircuitBreakerSpec, "force">> & Pick<CircuitBreakerSpec, "force">;
      if (s.force === "closed") {
        events.circuit(marker, "closed");
        return (next) => next;
      }
      if (s.force === "open") {
        events.circuit(marker, "open");
        return () => () => {
          events.rejected("circuitBreaker", marker);
          return Promise.reject(frameworkError("WEGO_ERR_GOV_CIRCUIT_OPEN", marker, "forced open"));
        };
      }
      const breaker = createCircuitBreaker({
        name: `governance:${marker}`,
        errorThresholdPercentage: s.errorPercent,
        requestVolumeThreshold: s.volume,
        sleepWindowMs: s.sleepWindowMs,
        rollingWindowMs: s.windowMs,
        onStateChange: (to) => events.circuit(marker, to),
      });
      events.circuit(marker, "closed");
      return counted(
        (next) => (ctx) => breaker.run(() => next(ctx)),
        () => events.rejected("circuitBreaker", marker),
      );
    }
    case "bulkhead":
      return counted(bulkhead(spec as BulkheadSpec), () => events.rejected("bulkhead", marker));
    case "timeout":
      return counted(timeout((spec as { ms: number }).ms), () => events.rejected("timeout", marker));
  }
}
