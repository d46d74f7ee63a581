import type http2 from "node:http2";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { context as otelContext, propagation } from "@opentelemetry/api";
import { type Code, type Context, isCode, WegoError } from "@wego/core";
import { createTlsSource, type TlsOptions } from "@wego/core/transport";
import { fromConnectError } from "./code-map.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcError } from "./grpc-errors.js";

export interface GrpcClientOptions {
  /** The server, e.g. "http://127.0.0.1:9341" (h2c) or "https://orders:9341" (TLS). */
  baseUrl: string;
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
  const sessions = new Http2SessionManager(options.baseUrl, { idleConnectionTimeoutMs: 60_000 }, nodeOptions);
  const client: Client<typeof WegoService> = createClient(
    WegoService,
    createGrpcTransport({ baseUrl: options.baseUrl, sessionManager: sessions }),
  );
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const defaultRetries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 50;
  const retryOn = new Set<string>(options.retryOn ?? ["unavailable"]);
  const unwrap = options.unwrap ?? ((env: unknown) => (env as { data?: unknown } | null)?.data);

  async function attempt(
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
    const retries = call.retries ?? defaultRetries;
    for (let i = 0; ; i++) {
      let failure: WegoError;
      try {
        const r = await attempt(route, body, requestId, headers, deadline, signal);
        if (r.code === "ok" || !retryOn.has(r.code) || i >= retries) return r;
        failure = envelopeError(r);
      } catch (err) {
        failure = WegoError.from(err);
        if (!retryOn.has(failure.code) || i >= retries) throw failure;
      }
      const wait = backoffMs * 2 ** i * (0.5 + Math.random());
      if (Date.now() + wait >= deadline) throw failure;
      await sleep(wait, signal);
    }
  }

  return {
    async call<T>(route: string, payload?: unknown, call?: GrpcCallOptions): Promise<T> {
      const r = await reply(route, payload, call);
      if (r.code !== "ok") throw envelopeError(r);
      return unwrap(r.envelope) as T;
    },
    reply,
    close() {
      secure?.close();
      sessions.abort();
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
