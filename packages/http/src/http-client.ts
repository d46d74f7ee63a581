import { context as otelContext, propagation } from "@opentelemetry/api";
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  createCircuitBreaker,
  type PickRequest,
  type Registry,
  type RetrySpec,
  WegoError,
} from "@wego/core";
import {
  createServiceBalancer,
  createTlsSource,
  type ServiceBalancer,
  type ServiceBalancerOptions,
  type Target,
  type TlsOptions,
} from "@wego/core/transport";
import sjson from "secure-json-parse";
import type { Pool } from "undici";
import { type Balancer, createBalancer } from "./balancer.js";
import {
  countsAgainstCircuit,
  errorOf,
  type HttpRequest,
  type HttpResponse,
  idempotentMethods,
  notSent,
  policyRetries,
  refusedUnprocessed,
  retryAfterMs,
  retryPolicyOf,
  serviceOf,
  sleep,
  undici,
  unwrap,
} from "./client-support.js";
import { httpErrorOf as httpError } from "./errors.js";

export { type HttpRequest, type HttpResponse, retryAfterMs } from "./client-support.js";

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /**
   * One base URL or several (round-robin); a path prefix is kept
   * (`http://billing:8341/api`). With `registry`, one URL without a port names
   * the service: `http://orders/api` calls the instances of `orders`.
   */
  baseUrls?: string | readonly string[];
  /**
   * Discover the service's instances here (kept current by its watch) instead
   * of a static list; each attempt picks one through `discovery`'s rules,
   * filters, per-instance breakers and strategy. See docs/discovery.md.
   */
  registry?: Registry;
  /** The service to call through `registry` (instead of naming it in `baseUrls`). */
  service?: string;
  /** Balancing with `registry`: `strategy`, `tags`, `zone`, `rules`, `rulesFrom`, `breaker` (per instance). Default round robin. */
  discovery?: Omit<ServiceBalancerOptions, "registry" | "service" | "transport">;
  /** Name for errors and the circuit breaker. Default the first base URL's host. */
  name?: string;
  /** Time for one attempt (connect, headers and body), ms. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, or `idempotent: true`). Default 2. */
  retries?: number;
  /** First backoff, ms; doubled per attempt, full jitter. Default 100. */
  backoffMs?: number;
  /** Longest backoff (and longest Retry-After honoured), ms. Default 2 000. */
  maxBackoffMs?: number;
  /** Statuses retried (idempotent requests only). Default 502, 503, 504. */
  retryOn?: readonly number[];
  /** How long a failed base URL is skipped, ms. Default 5 000. */
  skipMs?: number;
  /** Connections per base URL. Default 64. */
  connections?: number;
  /** Idle time before a pooled connection is closed, ms. Default 4 000 (under node's 5 s server default). */
  keepAliveTimeoutMs?: number;
  /** Headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /**
   * The circuit breaker around each call (after its retries): a breaker, its
   * options (default `createCircuitBreaker({ name })` from @wego/core), or
   * false for none. 4xx answers don't count against it.
   */
  breaker?: CircuitBreaker | CircuitBreakerOptions | false;
  /**
   * TLS for `https://` base URLs, the names the servers use: `ca` to trust,
   * `cert` and `key` to present (mutual TLS), `servername`; PEM or file
   * paths, reloaded when the files change (new connections use them).
   */
  tls?: TlsOptions;
}

type Options = Omit<HttpRequest, "method" | "path" | "body">;

/** An HTTP client for calling other services. */
export interface HttpClient {
  /** Any status comes back as a response; throws only when no answer came (unreachable, timeout, open circuit, cancelled). */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** GET; a 2xx answer's envelope `data` (or the body when not a wego envelope); anything else throws its WegoError. */
  get<T = unknown>(path: string, options?: Options): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: Options): Promise<T>;
  put<T = unknown>(path: string, body?: unknown, options?: Options): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown, options?: Options): Promise<T>;
  delete<T = unknown>(path: string, options?: Options): Promise<T>;
  /** The breaker in use, if any (to watch its state). */
  readonly breaker: CircuitBreaker | undefined;
  /** Close every pooled connection. */
  close(): Promise<void>;
}

interface Base {
  url: string;
  prefix: string;
  pool: Pool;
}

const kResponse = Symbol("wego.http.response");

/**
 * Create an HTTP client on undici: a connection pool per base URL,
 * round-robin with failed base URLs skipped for a while, retries with
 * exponential backoff and full jitter for idempotent requests only, a
 * per-attempt timeout, @wego/core's circuit breaker, and the context's
 * request id, trace headers and remaining deadline sent along.
 *
 * @example
 * const billing = createHttpClient({ baseUrls: ["http://billing-a:8341", "http://billing-b:8341"] });
 * app.onShutdown(() => billing.close());
 * const invoice = await billing.get(`/invoices/${id}`, { ctx });
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const urls = options.baseUrls === undefined ? [] : typeof options.baseUrls === "string" ? [options.baseUrls] : [...options.baseUrls];
  const named = options.registry === undefined ? undefined : serviceOf(options.service, urls);
  if (urls.length === 0 && named === undefined)
    throw httpError("WEGO_ERR_HTTP_CONFIG", ["baseUrls", "must hold at least one URL (or give registry and service)"]);
  const secure = options.tls && createTlsSource(options.tls, "client");
  // A connector built from the current certificates, rebuilt when they are reloaded.
  let connector = secure && undici().buildConnector(secure.clientOptions());
  secure?.onReload(() => {
    connector = undici().buildConnector(secure.clientOptions());
  });
  const connect: import("undici").buildConnector.connector | undefined =
    connector && ((opts, callback) => (connector as import("undici").buildConnector.connector)(opts, callback));
  const baseOf = (url: string): Base => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw httpError("WEGO_ERR_HTTP_CONFIG", ["baseUrls", `holds an invalid URL: ${url}`]);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw httpError("WEGO_ERR_HTTP_CONFIG", ["baseUrls", `must be http(s): ${url}`]);
    return {
      url,
      prefix: u.pathname.replace(/\/+$/, ""),
      pool: new (undici().Pool)(u.origin, {
        connections: options.connections ?? 64,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        ...(connect ? { connect } : {}),
      }),
    };
  };
  const bases: Base[] = named === undefined ? urls.map(baseOf) : [];
  const name = options.name ?? named?.service ?? new URL(urls[0] as string).host;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  const retryOn = new Set(options.retryOn ?? [502, 503, 504]);
  const balancer: Balancer<Base> = createBalancer(bases, options.skipMs ?? 5_000);
  const discovered: ServiceBalancer | undefined =
    named === undefined || options.registry === undefined
      ? undefined
      : createServiceBalancer({ ...options.discovery, registry: options.registry, service: named.service, transport: "http" });
  // One pool per instance met, its path prefix the one named in `baseUrls` (`http://orders/api`).
  const instanceBases = new Map<string, Base>();
  const instanceBase = (t: Target): Base => {
    let b = instanceBases.get(t.url);
    if (b === undefined) {
      b = { ...baseOf(t.url.replace(/\/+$/, "") + (named?.prefix ?? "")), url: t.url };
      instanceBases.set(t.url, b);
    }
    return b;
  };

  /** Where one attempt goes, and how its outcome is told back (to the static balancer or the discovered instances'). */
  async function route(req: HttpRequest, headers: Record<string, string>, tried: Set<Target>) {
    if (discovered === undefined) {
      const up = balancer.pick();
      return {
        base: up.target,
        done(outcome: "ok" | "fail" | "none") {
          if (outcome === "fail") balancer.fail(up);
          else if (outcome === "ok") balancer.ok(up);
        },
      };
    }
    await discovered.ready();
    const pick: PickRequest = { headers, ...(req.sessionKey === undefined ? {} : { key: req.sessionKey }) };
    const t = discovered.pick(pick, tried);
    tried.add(t);
    const t0 = performance.now();
    return {
      base: instanceBase(t),
      done(outcome: "ok" | "fail" | "none") {
        if (outcome !== "none") discovered.report(t, outcome === "ok", performance.now() - t0, pick);
      },
    };
  }
  const breaker =
    options.breaker === false
      ? undefined
      : options.breaker !== undefined && typeof (options.breaker as CircuitBreaker).run === "function"
        ? (options.breaker as CircuitBreaker)
        : createCircuitBreaker({ name, isFailure: countsAgainstCircuit, ...(options.breaker as CircuitBreakerOptions | undefined) });
  const defaultHeaders = options.headers ?? {};

  function headersFor(req: HttpRequest, body: unknown): Record<string, string> {
    const h: Record<string, string> = { ...defaultHeaders };
    const ctx = req.ctx;
    if (ctx !== undefined) {
      h["x-request-id"] = ctx.id;
      // The active span's context (the tracing filter makes the invocation's span active); without an SDK, forward the caller's.
      propagation.inject(otelContext.active(), h);
      if (h.traceparent === undefined) {
        const tp = ctx.meta.traceparent;
        const ts = ctx.meta.tracestate;
        if (typeof tp === "string") h.traceparent = tp;
        if (typeof ts === "string") h.tracestate = ts;
      }
      if (ctx.deadline !== undefined) h["x-request-timeout"] = String(Math.max(1, ctx.deadline - Date.now()));
    }
    if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body)) h["content-type"] = "application/json";
    if (req.headers) Object.assign(h, req.headers);
    return h;
  }

  function pathFor(base: Base, req: HttpRequest): string {
    let p = base.prefix + (req.path.startsWith("/") ? req.path : `/${req.path}`);
    if (req.query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) {
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) qs.append(k, String(x));
        else qs.append(k, String(v));
      }
      const s = qs.toString();
      if (s !== "") p += (p.includes("?") ? "&" : "?") + s;
    }
    return p;
  }

  /** One attempt on one base URL: a response, or a thrown error tagged with whether it may be retried. */
  async function attempt(
    base: Base,
    req: HttpRequest,
    method: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    budget: number,
  ) {
    const timeout = AbortSignal.timeout(budget);
    const outer = req.ctx !== undefined ? req.ctx.signal : req.signal;
    const signal = outer === undefined ? timeout : AbortSignal.any([timeout, outer]);
    try {
      const res = await base.pool.request({ method: method as "GET", path: pathFor(base, req), headers, body, signal });
      const text = await res.body.text();
      const type = res.headers["content-type"];
      let parsed: unknown = text;
      if (typeof type === "string" && /[/+]json\b/i.test(type) && text !== "") {
        try {
          parsed = sjson.parse(text, null, { protoAction: "remove", constructorAction: "remove" });
        } catch {
          parsed = text;
        }
      }
      return { status: res.statusCode, headers: res.headers as HttpResponse["headers"], body: parsed, baseUrl: base.url };
    } catch (err) {
      if (outer?.aborted) throw Object.assign(WegoError.from(outer.reason, "cancelled"), { retryable: false, hostFault: false });
      const code = (err as { code?: string }).code ?? "";
      if (timeout.aborted) {
        throw Object.assign(httpError("WEGO_ERR_HTTP_CLIENT_TIMEOUT", [method, req.path, budget], { cause: err }), {
          retryable: true,
          hostFault: true,
          sent: true,
        });
      }
      const e = httpError("WEGO_ERR_HTTP_CLIENT_UNREACHABLE", [method, req.path, `${base.url} (${code || (err as Error).message})`], {
        cause: err,
      });
      throw Object.assign(e, { retryable: true, hostFault: true, sent: !notSent.has(code) });
    }
  }

  async function withRetries(req: HttpRequest): Promise<HttpResponse> {
    const method = (req.method ?? "GET").toUpperCase();
    const idempotent = req.idempotent ?? idempotentMethods.has(method);
    const raw = req.body;
    const body = raw === undefined ? undefined : typeof raw === "string" || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
    const headers = headersFor(req, raw);
    const perAttempt = req.timeoutMs ?? timeoutMs;
    const deadline = req.ctx?.deadline;
    // Instances this call went to: a retry goes to another while there is one.
    const tried = new Set<Target>();
    // An operator's retry rule for this call (governance.retry.<marker>, matched against it) replaces the client's own.
    const policy = retryPolicyOf(req, method, headers);
    const maxRetries = policy === undefined ? retries : policy.attempts - 1;
    for (let i = 0; ; i++) {
      const budget = deadline === undefined ? perAttempt : Math.min(perAttempt, deadline - Date.now());
      if (budget <= 0) throw new WegoError("deadline_exceeded", `${method} ${req.path}: the caller's deadline passed`);
      const up = await route(req, headers, tried);
      const last = i >= maxRetries;
      let res: HttpResponse;
      try {
        res = await attempt(up.base, req, method, headers, body, budget);
      } catch (err) {
        const e = err as WegoError & { retryable?: boolean; hostFault?: boolean; sent?: boolean };
        up.done(e.hostFault ? "fail" : "none");
        // A request that may have reached the server is retried only when repeating it is harmless.
        if (last || !e.retryable || (e.sent && !idempotent)) throw e;
        await sleep(backoff(i, policy), req.ctx?.signal ?? req.signal);
        continue;
      }
      up.done(res.status === 502 || res.status === 503 ? "fail" : "ok");
      // A draining wego server refused the request before any handler ran: safe to send elsewhere, whatever the method.
      const notProcessed = res.status === 503 && refusedUnprocessed.has((res.body as { reason?: unknown } | undefined)?.reason as string);
      const worth = policy === undefined ? retryOn.has(res.status) : policyRetries(policy, res.status);
      if (last || !(idempotent || notProcessed) || !worth) return res;
      const hinted = retryAfterMs(res.headers["retry-after"]);
      await sleep(hinted === undefined ? backoff(i, policy) : Math.min(hinted, maxBackoffMs), req.ctx?.signal ?? req.signal);
    }
  }

  function backoff(i: number, policy: RetrySpec | undefined): number {
    if (policy !== undefined) return (policy.backoffMs ?? 0) * 2 ** i;
    return Math.random() * Math.min(maxBackoffMs, backoffMs * 2 ** i);
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    if (breaker === undefined) return (await withRetries(req)) as HttpResponse<T>;
    try {
      return (await breaker.run(async () => {
        const res = await withRetries(req);
        // A 5xx counts against the circuit: throw it through the breaker, hand the response back below.
        if (res.status >= 500) throw Object.assign(errorOf(req, res), { [kResponse]: res });
        return res;
      })) as HttpResponse<T>;
    } catch (err) {
      const res = (err as { [kResponse]?: HttpResponse })[kResponse];
      if (res !== undefined) return res as HttpResponse<T>;
      throw err;
    }
  }

  async function call<T>(method: string, path: string, body: unknown, o: Options = {}): Promise<T> {
    const res = await request({ ...o, method, path, body });
    if (res.status >= 200 && res.status < 300) return unwrap(res.body) as T;
    throw errorOf({ method, path }, res);
  }

  return {
    request,
    get: (path, o) => call("GET", path, undefined, o),
    post: (path, body, o) => call("POST", path, body, o),
    put: (path, body, o) => call("PUT", path, body, o),
    patch: (path, body, o) => call("PATCH", path, body, o),
    delete: (path, o) => call("DELETE", path, undefined, o),
    breaker,
    async close() {
      secure?.close();
      discovered?.close();
      await Promise.all([...bases, ...instanceBases.values()].map((b) => b.pool.close()));
    },
  };
}
