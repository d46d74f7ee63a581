import type { Context, Meta } from "../context.js";
import type { WegoError } from "../errors/wego-error.js";
import type { Endpoint } from "../filter.js";
import type { InputLimits } from "./input.js";

/** What dispatch needs of a route: what `ctx.route` and `ctx.handler` say, and the endpoint. */
export interface DispatchTarget {
  readonly route: string;
  readonly handler: string;
  readonly endpoint: Endpoint;
}

/** What a transport decoded from one request. */
export interface Invocation {
  /** The decoded input. */
  request?: unknown;
  /** Headers / metadata, read-only. */
  meta?: Meta;
  /** The caller's request id, as sent; adopted when it passes {@link isValidRequestId}, else one is generated. */
  id?: unknown;
  /** Absolute deadline (ms since epoch): the invocation is answered `deadline_exceeded` when it passes. */
  deadline?: number;
  /** Aborts the invocation (the client went away…); it is answered with the abort's reason. */
  signal?: AbortSignal;
  /** Values every invocation from one source starts with (see `InvocationInit.values`). */
  values?: ReadonlyMap<unknown, unknown>;
  /** The input came from {@link parseJson} (or holds no objects): skip the depth and key walk. */
  checked?: boolean;
  /** The request was admitted (`dispatcher.admit()`) before the transport closed: serve it even while stopping. */
  admitted?: boolean;
}

/**
 * How dispatch hands an outcome back, exactly once: `error` is set for a
 * failure (already normalised and logged as it deserves), else `result`.
 */
export type Answer = (ctx: Context, error: WegoError | undefined, result: unknown) => void;

/** Log level for refusals (errors that are the caller's or the system's expected answer, not faults). */
export type RefusalLevel = "debug" | "info" | "warn";

export interface DispatcherOptions {
  /** Transport name on `ctx.transport`. */
  transport: string;
  /**
   * Level refusals are logged at, without a stack: "debug" for request/reply
   * transports whose caller sees the answer (default), "warn" where nobody
   * else would (cron, timer, queue).
   */
  refusals?: RefusalLevel;
}

/**
 * The one invocation path every transport shares: from a decoded request to
 * an answer. Built at a router's start with {@link createDispatcher}.
 */
export interface Dispatcher {
  /** Transport name. */
  readonly transport: string;
  /** The input limits in force (config `input.maxDepth`, `input.maxBytes`). */
  readonly limits: Readonly<InputLimits>;
  /** Invocations in flight plus requests admitted and not yet dispatched. */
  readonly active: number;
  /** Whether `close()` has run. */
  readonly closed: boolean;
  /**
   * Request id policy, input hygiene, context, in-flight tracking, deadline
   * and abort, the endpoint, faults logged once: `answer` is called exactly
   * once, synchronously when the handler finished synchronously. Returns the
   * invocation's context.
   */
  dispatch(target: DispatchTarget, inv: Invocation, answer: Answer): Context;
  /**
   * The same path for a caller that wants a promise (in-memory invocation,
   * promise-based bindings). Refusals before the handler (stopping, input
   * checks) reject with their WegoError. Without a deadline or signal the
   * caller gets the endpoint's own promise, so the call costs what awaiting
   * the endpoint costs: it rejects with what the handler threw (a WegoError
   * from `filters.create` and typed handlers' input checks; normalise others
   * with `WegoError.from`), and the caller, who gets it, logs it if it wants
   * (`filters.create` has logged a fault already); a handler left
   * running at the stop deadline is aborted (its signal fires) and untracked,
   * and the promise settles when it does. With a deadline or signal it
   * settles at the deadline or abort, with the normalised error.
   */
  call(target: DispatchTarget, inv: Invocation): Promise<unknown>;
  /**
   * Answer a request refused before any handler ran (unknown route, bad
   * body…) through the same id policy and logging: builds its context and
   * calls `answer(ctx, error)` now.
   */
  refuse(route: string, inv: Invocation, error: WegoError, answer: Answer): Context;
  /** A context with the id policy applied, for what a transport answers itself (probes, listings). */
  context(route: string, inv?: Invocation): Context;
  /**
   * Count a request whose bytes have begun arriving: it is served even if
   * the transport closes before it is complete. Pair with `dispatch(…, {
   * admitted: true })`, or `release()` when it is refused or abandoned.
   */
  admit(): void;
  /** Forget an admitted request that will not be dispatched. */
  release(): void;
  /**
   * Abort the invocations of this dispatcher still in flight that `match`
   * selects (those of a WebSocket connection that closed…): each is answered
   * with `reason` through its pending answer, and its `ctx.signal` fires.
   * Walks the app's in-flight list, stopping after `limit` matches: for rare
   * events (a peer gone), at no cost per request, where passing `signal` to
   * dispatch would cost every invocation a listener. Returns how many were
   * aborted.
   */
  abort(match: (ctx: Context) => boolean, reason: unknown, limit?: number): number;
  /** Stop accepting: invocations not admitted before now are refused `unavailable` (WEGO_ERR_APP_STOPPING). */
  close(): void;
  /**
   * Close, then wait until every admitted request and invocation has been
   * answered; at `signal` (the stop deadline) answer what is left
   * `unavailable` (WEGO_ERR_SHUTDOWN_DEADLINE) and return.
   */
  drain(signal: AbortSignal): Promise<void>;
  /**
   * The app's envelope for an outcome, as JSON text (wego's default envelope
   * is written without building it). A result JSON can't carry (a BigInt, a
   * cycle) gives the envelope of an `internal` fault instead, logged, and
   * `failed` (a shared function, not a closure per request) is told, so the
   * transport answers it with the fault's status.
   */
  encode(ctx: Context, error: WegoError | undefined, result: unknown, failed?: (error: WegoError) => void): string;
  /** The app's envelope for an outcome, as an object. */
  envelope(ctx: Context, error: WegoError | undefined, result: unknown): unknown;
}
