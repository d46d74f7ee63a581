import type http2 from "node:http2";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { context as otelContext, propagation } from "@opentelemetry/api";
import {
  type App,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type Code,
  type Context,
  createCircuitBreaker,
  governanceOf,
  isCode,
  type PickRequest,
  type Registry,
  WegoError,
} from "@wego/core";
import {
  createServiceBalancer,
  createTlsSource,
  frameworkError,
  type ServiceBalancerOptions,
  type Target,
  type TlsOptions,
} from "@wego/core/transport";
import { fromConnectError } from "./code-map.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcError } from "./grpc-errors.js";

export interface GrpcClientOptions {
  /**
   * The server, e.g. "http://127.0.0.1:9341" (h2c) or "https://orders:9341"
   * (TLS). With `registry`, a URL without a port names the service
   * (`http://orders`), or leave it out and give `service`.
   */
  baseUrl?: string;
  /** Discover the service's instances here (kept current by its watch); each attempt picks one. See docs/discovery.md. */
  registry?: Registry;
  /** The service to call through `registry`. */
  service?: string;
  /** Balancing with `registry`: `strategy`, `tags`, `zone`, `rules`, `rulesFrom`, `breaker` (per instance). Default round robin. */
  discovery?: Omit<ServiceBalancerOptions, "registry" | "service" | "transport">;
  /** A circuit breaker around each call (after its retries): a breaker or its options. Default none. */
  breaker?: CircuitBreaker | CircuitBreakerOptions;
  /** Deadline of a call, all attempts included, in ms; default 10 000; 0 for none. */
  timeoutMs?: number;
  /** Attempts after the first one for a retryable failure; default 2. */
  retries?: number;
  /** Wait before the first retry in ms, doubled each time, with ±50 % jitter; default 50. */
  backoffMs?: number;
  /** Codes worth another attempt; default `["unavailable"]` (the server refused or was unreachable). */
  retryOn?: readonly Code[];
  /** Metadata sent with every call. */
  meta?: Readonly<Record<string, string>>;
  /** Options for `http2.connect` (TLS: `ca`, `cert`, `key`, `servername`…). */
  nodeOptions?: http2.ClientSessionOptions | http2.SecureClientSessionOptions;
  /**
   * TLS for an `https://` base URL, the names the servers use: `ca` to trust,
   * `cert` and `key` to present (mutual TLS), `servername`; PEM or file paths,
   * reloaded when the files change (new connections use them).
   */
  tls?: TlsOptions;
  /** Reads the result out of a success envelope; default `envelope.data` (both wego envelopes have it). */
  unwrap?: (envelope: unknown) => unknown;
}

export interface GrpcCallOptions {
  /** Propagate the calling invocation: its request id, its trace context (`traceparent`), its deadline (when tighter) and its cancellation. */
  ctx?: Context;
  /** Session key for the session-sticky strategy: its calls stay on one instance. */
  sessionKey?: string;
  /** Request id to send; default the ctx's id, else the server generates one. */
  requestId?: string;
  /** This call's deadline in ms (all attempts); default the client's. */
  timeoutMs?: number;
  /** Retries for this call; default the client's. */
  retries?: number;
  meta?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** The generic service's answer before unwrapping. */
export interface GrpcReply {
  /** "ok" or the handler's error code. */
  code: string;
  /** The server app's envelope, parsed. */
  envelope: unknown;
}

/** A client of the generic `wego.v1.WegoService`: one wego service calling another. */
export interface GrpcClient {
  /** Call `route` with `payload` (sent as JSON); resolves the envelope's data, rejects a WegoError. */
  call<T = unknown>(route: string, payload?: unknown, options?: GrpcCallOptions): Promise<T>;
  /** The same call, resolving the raw reply (failure envelopes included; only status failures reject). */
  reply(route: string, payload?: unknown, options?: GrpcCallOptions): Promise<GrpcReply>;
  /** Close the connection; calls in flight fail. */
  close(): void;
}

/**
 * Create a client of the generic service, over connect-node's gRPC transport
 * (one HTTP/2 connection, multiplexed). Each call has a deadline that covers
 * its retries; only `retryOn` codes are retried, with exponential backoff
 * and jitter, and never past the deadline. Called with `{ ctx }` in a
 * handler, a call carries the invocation's request id, trace context and
 * deadline.
 *
 * @example
 * const orders = createGrpcClient({ baseUrl: "http://orders:9341" });
 * const order = await orders.call("order.get", { id }, { ctx });
 */
export function createGrpcClient(options: GrpcClientOptions): GrpcClient {
  const secure = options.tls && createTlsSource(options.tls, "client");
  // The session manager reads this object at each connect: a reload updates it in place.
  const nodeOptions = { ...secure?.clientOptions(), ...options.nodeOptions };
  secure?.onReload(() => Object.assign(nodeOptions, secure.clientOptions(), options.nodeOptions));
  // One HTTP/2 connection per server met (one without discovery).
  const conns = new Map<string, { sessions: Http2SessionManager; client: Client<typeof WegoService> }>();
  const connFor = (baseUrl: string) => {
    let c = conns.get(baseUrl);
    if (c === undefined) {
      const sessions = new Http2SessionManager(baseUrl, { idleConnectionTimeoutMs: 60_000 }, nodeOptions);
      c = { sessions, client: createClient(WegoService, createGrpcTransport({ baseUrl, sessionManager: sessions })) };
      conns.set(baseUrl, c);
    }
    return c;
  };
  const service = options.registry === undefined ? undefined : (options.service ?? serviceNamed(options.baseUrl));
  if (service === undefined && options.baseUrl === undefined)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "createGrpcClient", "give baseUrl, or registry and service");
  const discovered =
    service === undefined || options.registry === undefined
      ? undefined
      : createServiceBalancer({ ...options.discovery, registry: options.registry, service, transport: "grpc" });
  const breaker =
    options.breaker === undefined
      ? undefined
      : typeof (options.breaker as CircuitBreaker).run === "function"
        ? (options.breaker as CircuitBreaker)
        : createCircuitBreaker({ name: service ?? options.baseUrl, ...(options.breaker as CircuitBreakerOptions) });
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const defaultRetries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 50;
  const retryOn = new Set<string>(options.retryOn ?? ["unavailable"]);
  const unwrap = options.unwrap ?? ((env: unknown) => (env as { data?: unknown } | null)?.data);

  async function attempt(
    client: Client<typeof WegoService>,
    route: string,
    payload: string,
    requestId: string,
    headers: Record<string, string>,
    deadline: number,
    signal: AbortSignal | undefined,
  ) {
    const timeoutMs = deadline === Number.POSITIVE_INFINITY ? undefined : Math.max(1, deadline - Date.now());
    let res: { code: string; envelope: string };
    try {
      res = await client.handle(
        { route, payload, requestId },
        { headers, ...(timeoutMs ? { timeoutMs } : {}), ...(signal ? { signal } : {}) },
      );
    } catch (err) {
      throw fromConnectError(err);
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(res.envelope);
    } catch (err) {
      throw grpcError("WEGO_ERR_GRPC_ENVELOPE_INVALID", route, (err as Error).message);
    }
    return { code: res.code, envelope };
  }

  async function reply(route: string, payload: unknown, call: GrpcCallOptions = {}): Promise<GrpcReply> {
    const ctx = call.ctx;
    const timeout = call.timeoutMs ?? defaultTimeout;
    let deadline = timeout > 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY;
    if (ctx?.deadline !== undefined && ctx.deadline < deadline) deadline = ctx.deadline;
    const signal = call.signal ?? ctx?.signal;
    const requestId = call.requestId ?? ctx?.id ?? "";
    const headers: Record<string, string> = { ...options.meta, ...call.meta };
    if (requestId) headers["x-request-id"] = requestId;
    if (ctx !== undefined) traceHeaders(ctx, headers);
    const body = payload === undefined ? "" : JSON.stringify(payload);
    // An operator's retry rule for this call (governance.retry.<marker>, matched against it) replaces the client's own.
    const policy =
      ctx?.app === undefined
        ? undefined
        : governanceOf(ctx.app as App).retryFor({ handler: route, transport: "grpc", route, meta: headers, id: ctx.id });
    const retries = policy === undefined ? (call.retries ?? defaultRetries) : policy.attempts - 1;
    const worth = policy === undefined ? retryOn : new Set<string>(policy.on ?? ["unavailable", "deadline_exceeded", "resource_exhausted"]);
    // Instances this call went to: a retry goes to another while there is one.
    const tried = new Set<Target>();
    const pick: PickRequest = { headers, ...(call.sessionKey === undefined ? {} : { key: call.sessionKey }) };
    if (discovered !== undefined) await discovered.ready();
    for (let i = 0; ; i++) {
      let failure: WegoError;
      const target = discovered?.pick(pick, tried);
      if (target !== undefined) tried.add(target);
      const t0 = performance.now();
      // Unavailable or too slow says something about the instance; any other answer says it is up.
      const report = (code: string): void => {
        if (target !== undefined)
          discovered?.report(target, code !== "unavailable" && code !== "deadline_exceeded", performance.now() - t0, pick);
      };
      try {
        const r = await attempt(
          connFor(target?.url ?? (options.baseUrl as string)).client,
          route,
          body,
          requestId,
          headers,
          deadline,
          signal,
        );
        report(r.code);
        if (r.code === "ok" || !worth.has(r.code) || i >= retries) return r;
        failure = envelopeError(r);
      } catch (err) {
        failure = WegoError.from(err);
        report(failure.code);
        if (!worth.has(failure.code) || i >= retries) throw failure;
      }
      const wait = policy === undefined ? backoffMs * 2 ** i * (0.5 + Math.random()) : (policy.backoffMs ?? 0) * 2 ** i;
      if (Date.now() + wait >= deadline) throw failure;
      await sleep(wait, signal);
    }
  }

  // The breaker sees each call once, after its retries: only failures that got no answer count.
  const guarded =
    breaker === undefined
      ? reply
      : (route: string, payload?: unknown, call?: GrpcCallOptions) => breaker.run(() => reply(route, payload, call));
  return {
    async call<T>(route: string, payload?: unknown, call?: GrpcCallOptions): Promise<T> {
      const r = await guarded(route, payload, call);
      if (r.code !== "ok") throw envelopeError(r);
      return unwrap(r.envelope) as T;
    },
    reply: guarded,
    close() {
      secure?.close();
      discovered?.close();
      for (const c of conns.values()) c.sessions.abort();
    },
  };
}

/**
 * The calling invocation's trace context, as the HTTP client sends it: the
 * active span's (the tracing filter makes the invocation's span active, an
 * OpenTelemetry SDK's propagator writes it), else the `traceparent` and
 * `tracestate` the invocation itself received, so a trace continues through
 * this call even without an SDK. Headers set explicitly win.
 */
function traceHeaders(ctx: Context, headers: Record<string, string>): void {
  if (headers.traceparent !== undefined) return;
  propagation.inject(otelContext.active(), headers);
  if (headers.traceparent === undefined) {
    const tp = ctx.meta.traceparent;
    const ts = ctx.meta.tracestate;
    if (typeof tp === "string") headers.traceparent = tp;
    if (typeof ts === "string" && headers.tracestate === undefined) headers.tracestate = ts;
  }
}

/** The WegoError a failure envelope describes (wego's default envelope: message, reason, details). */
function envelopeError(r: GrpcReply): WegoError {
  const env = (r.envelope ?? {}) as { message?: unknown; reason?: unknown; details?: unknown };
  const code: Code = isCode(r.code) ? r.code : "unknown";
  return new WegoError(code, typeof env.message === "string" ? env.message : code, {
    ...(typeof env.reason === "string" ? { reason: env.reason } : {}),
    ...(env.details === undefined ? {} : { details: env.details }),
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(WegoError.from(signal.reason, "cancelled"));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(WegoError.from(signal?.reason, "cancelled"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The service a URL without a port names (`http://orders` → `orders`); undefined for an address. */
function serviceNamed(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined) return undefined;
  const u = new URL(baseUrl);
  return u.port === "" ? u.hostname : undefined;
}
