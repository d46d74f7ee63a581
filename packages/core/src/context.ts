import type { Logger } from "pino";
import type { AppView } from "./app-view.js";
import type { ContextKey } from "./context-key.js";
import { WegoError } from "./errors/wego-error.js";

/** Headers / metadata as the transport received them; read-only. */
export type Meta = Readonly<Record<string, string | string[] | undefined>>;

/** What a transport knows when it starts an invocation. */
export interface InvocationInit {
  /** Transport name: "http", "grpc", "ws", "cron", "timer", "cli", "queue", "memory"… */
  transport: string;
  /** The route in the transport's own terms (path, cron spec, queue route…). */
  route: string;
  /** Handler name, when the route points at a registered handler. */
  handler?: string;
  /** The decoded input. */
  request?: unknown;
  meta?: Meta;
  /** The caller's request id; one is generated when absent. */
  id?: string;
  /** Absolute deadline (ms since epoch); `ctx.signal` fires when it passes. */
  deadline?: number;
  /** Aborts the invocation (client disconnect, shutdown…). */
  signal?: AbortSignal;
  /**
   * Values every invocation from one source starts with (a WebSocket
   * connection's peer and claims…), keyed by `ContextKey.id`: read through,
   * copied on the context's first `set`/`delete`, never written. Saves a Map
   * per invocation when a transport has values to hand every handler.
   */
  values?: ReadonlyMap<unknown, unknown>;
}

/** What a Context needs from its App; kept narrow so Context stays testable. */
export interface ContextHost {
  readonly log: Logger;
  newRequestId(): string;
  /** The app, when an app built the context (filters composed before any app existed reach it here); its narrow view. */
  readonly app?: AppView;
}

type Key = ContextKey<unknown> | string;

const noMeta: Meta = Object.freeze({});

/**
 * One per invocation, whatever the transport. Carries the request, the
 * metadata, typed values, the response being built, a child logger and an
 * AbortSignal. Logger and signal are created on first use: a request that
 * never logs or listens pays nothing for them.
 */
export class Context {
  /** The request id: the caller's when it sent a valid one, else generated. */
  readonly id: string;
  /** The transport that received the invocation: "http", "grpc", "ws", "cron", "timer", "cli", "queue", "memory"… */
  readonly transport: string;
  /** The route in the transport's own terms ("POST /users", a cron spec, a queue job name…). */
  readonly route: string;
  /** The name of the handler serving this invocation. */
  readonly handler: string;
  /**
   * The decoded input as the transport received it (query, body and path
   * parameters on HTTP; the payload on gRPC and WebSocket; job data…). A
   * typed handler (`defineHandler`) gets it validated and typed as its
   * first argument instead.
   */
  readonly request: unknown;
  /** Headers / metadata, read-only. */
  readonly meta: Meta;
  /** Absolute deadline in ms since epoch, if any (set by transports or the timeout filter). */
  deadline: number | undefined;
  /** The result being built; `ctx.response(k, v)` writes a key of it. */
  result: unknown = undefined;
  /** @internal Links of the app's in-flight list (see inflight.ts). */
  _prev: Context | undefined = undefined;
  /** @internal */
  _next: Context | undefined = undefined;
  /** @internal The dispatch that owns this invocation; told when it is aborted (deadline, shutdown, disconnect). */
  _owner: { aborted(ctx: Context, reason: unknown): void } | undefined = undefined;
  /** @internal The transport's pending answer (see transport/dispatcher.ts). */
  _answer: unknown = undefined;

  readonly #host: ContextHost;
  // Own values, created on first write; until then reads go to #shared.
  #values: Map<unknown, unknown> | undefined;
  #shared: ReadonlyMap<unknown, unknown> | undefined;
  #log: Logger | undefined;
  #ac: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #unlink: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(host: ContextHost, init: InvocationInit, values?: Map<unknown, unknown>) {
    this.#host = host;
    this.id = init.id || host.newRequestId();
    this.transport = init.transport;
    this.route = init.route;
    this.handler = init.handler ?? init.route;
    this.request = init.request;
    this.meta = init.meta ?? noMeta;
    this.deadline = init.deadline;
    this.#values = values;
    this.#shared = values === undefined ? init.values : undefined;
    const parent = init.signal;
    if (parent) {
      if (parent.aborted) this.abort(parent.reason);
      else {
        const onAbort = (): void => this.abort(parent.reason);
        parent.addEventListener("abort", onAbort, { once: true });
        this.#unlink = () => parent.removeEventListener("abort", onAbort);
      }
    }
    if (init.deadline !== undefined) this.setDeadline(init.deadline);
  }

  /**
   * What the invocation may use of the app that built it (config, log,
   * metrics, ids, cache, app-wide values; not its lifecycle); undefined for a
   * context built by hand. Forks share it.
   */
  get app(): AppView | undefined {
    return this.#host.app;
  }

  /** A typed value set on this invocation, or the key's default. */
  get<T>(key: ContextKey<T>): T;
  get(key: string): unknown;
  get(key: Key): unknown {
    const id = typeof key === "string" ? key : key.id;
    const m = this.#values ?? this.#shared;
    const v = m?.get(id);
    if (v === undefined && typeof key !== "string" && !m?.has(id)) return key.defaultValue;
    return v;
  }

  set<T>(key: ContextKey<T>, value: T): this;
  set(key: string, value: unknown): this;
  set(key: Key, value: unknown): this {
    this.#own().set(typeof key === "string" ? key : key.id, value);
    return this;
  }

  has(key: Key): boolean {
    return (this.#values ?? this.#shared)?.has(typeof key === "string" ? key : key.id) ?? false;
  }

  delete(key: Key): boolean {
    const id = typeof key === "string" ? key : key.id;
    if (this.#values === undefined && !this.#shared?.has(id)) return false;
    return this.#own().delete(id);
  }

  #own(): Map<unknown, unknown> {
    if (this.#values === undefined) {
      this.#values = new Map(this.#shared);
      this.#shared = undefined;
    }
    return this.#values;
  }

  /** Write `key` of the result object (created on first use), as the seed's `ctx.Response(k, v)`. */
  response(key: string, value: unknown): this {
    if (this.result === undefined || this.result === null || typeof this.result !== "object") {
      this.result = {};
    }
    (this.result as Record<string, unknown>)[key] = value;
    return this;
  }

  /** A pino child logger carrying request id, route and transport. */
  get log(): Logger {
    this.#log ??= this.#host.log.child({ reqId: this.id, route: this.route, transport: this.transport });
    return this.#log;
  }

  /** Fires on deadline, client disconnect or shutdown; `signal.reason` is a WegoError. */
  get signal(): AbortSignal {
    if (this.#ac === undefined) {
      this.#ac = new AbortController();
      if (this.#aborted) this.#ac.abort(this.#abortReason);
    }
    return this.#ac.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Abort this invocation; `reason` is normalised to a WegoError (default `cancelled`). */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason === undefined ? new WegoError("cancelled", "invocation cancelled") : WegoError.from(reason, "cancelled");
    this.#clearTimer();
    this.#ac?.abort(this.#abortReason);
    const owner = this._owner;
    if (owner !== undefined) owner.aborted(this, this.#abortReason);
  }

  /** Throw the abort reason if this invocation was aborted. */
  throwIfAborted(): void {
    if (this.#aborted) throw this.#abortReason;
  }

  /** Set (or tighten) the deadline; the signal fires with `deadline_exceeded` when it passes. */
  setDeadline(at: number): void {
    if (this.#aborted) return;
    if (this.#timer !== undefined && this.deadline !== undefined && this.deadline <= at) return;
    this.#clearTimer();
    this.deadline = at;
    const ms = at - Date.now();
    if (ms <= 0) {
      this.abort(new WegoError("deadline_exceeded", "deadline exceeded"));
      return;
    }
    this.#timer = setTimeout(() => this.abort(new WegoError("deadline_exceeded", "deadline exceeded")), ms);
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** A context for a parallel branch: same request and identity, own values copy and result. */
  fork(signal?: AbortSignal): Context {
    const child = new Context(
      this.#host,
      {
        transport: this.transport,
        route: this.route,
        handler: this.handler,
        request: this.request,
        meta: this.meta,
        id: this.id,
        ...(this.deadline === undefined ? {} : { deadline: this.deadline }),
        signal: signal ?? this.signal,
        values: this.#shared,
      },
      this.#values ? new Map(this.#values) : undefined,
    );
    child.#log = this.#log;
    return child;
  }

  /** Values set on this context, for merging a fork back. */
  entries(): Iterable<[unknown, unknown]> {
    return this.#values ?? this.#shared ?? [];
  }

  /** @internal Copy values from a finished fork. */
  adopt(entries: Iterable<[unknown, unknown]>): void {
    for (const [k, v] of entries) this.#own().set(k, v);
  }

  /** Release timers and listeners; called by the app when the invocation settles. */
  dispose(): void {
    this.#clearTimer();
    if (this.#unlink) {
      this.#unlink();
      this.#unlink = undefined;
    }
  }
}
