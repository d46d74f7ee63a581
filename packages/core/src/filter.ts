import type { Context } from "./context.js";
import { frameworkError } from "./errors/catalogue.js";
import { markLogged, wasLogged } from "./errors/logged.js";
import { WegoError } from "./errors/wego-error.js";
import { accessLog } from "./filters/access-log.js";
import { bulkhead } from "./filters/bulkhead.js";
import { circuitBreaker } from "./filters/circuit-breaker.js";
import { type JwtOptions, jwt } from "./filters/jwt.js";
import { metrics } from "./filters/metrics.js";
import { type RateLimitOptions, rateLimit } from "./filters/rate-limit.js";
import { timeout } from "./filters/timeout.js";
import { tracing } from "./filters/tracing.js";
import { validate } from "./filters/validate.js";
import { resolved } from "./resolved.js";
import { type Service, toServiceFn } from "./service.js";
import { isSettled, settled } from "./settled.js";

/** The unit every transport calls: a context in, a result out (go-kit's endpoint). */
export type Endpoint<T = unknown> = (ctx: Context) => Promise<T>;

/** Wraps an endpoint (go-kit middleware): rate limit, auth, timeout, validation… */
export type Filter = (next: Endpoint) => Endpoint;

const noNext = (): Promise<void> => resolved;

/**
 * Compose filters around a terminal endpoint: `chain(f1, f2, ep)` is
 * `f1(f2(ep))`, so the first filter listed is the outermost. Composed once,
 * at registration: a call pays only the filters' own work.
 */
function chain(...items: [...Filter[], Endpoint]): Endpoint {
  if (items.length === 0) throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", "filters.chain", "a terminal endpoint", "nothing");
  items.forEach((f, i) => {
    if (typeof f !== "function") {
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `filters.chain argument ${i}`, "a function", typeof f);
    }
  });
  let ep = items[items.length - 1] as Endpoint;
  for (let i = items.length - 2; i >= 0; i--) ep = (items[i] as Filter)(ep);
  return ep;
}

/**
 * The terminal endpoint over a service chain (the seed's CommEndpoint): runs
 * the services and returns what they built with `ctx.response(k, v)` /
 * `ctx.result`.
 */
function comm(service: Service): Endpoint {
  const fn = toServiceFn(service, "filters.comm service");
  return (ctx) => {
    let p: unknown;
    try {
      p = fn(ctx, noNext);
    } catch (err) {
      return Promise.reject(err);
    }
    // Services that all finished synchronously: the result is there now, no reaction needed.
    if (finishedNow(p)) return settled(ctx.result);
    return (p as Promise<void>).then(() => ctx.result);
  };
}

/** Whether what a service chain returned says every service finished synchronously (see resolved.ts). */
function finishedNow(p: unknown): boolean {
  return p === undefined || p === resolved || typeof (p as Promise<void>).then !== "function";
}

/**
 * What leaves a handler when it throws: a WegoError; an unexpected fault
 * (not exposable) is logged once, with its stack, on the invocation's logger.
 */
function fault(ctx: Context, err: unknown): WegoError {
  const e = WegoError.from(err);
  if (!e.exposable && !wasLogged(e)) {
    ctx.log.error({ err: e.cause ?? e }, "unhandled error in handler %s", ctx.handler);
    markLogged(e);
  }
  return e;
}

/**
 * The seed's ResponseEndpoint: whatever the inner endpoint throws leaves as a
 * WegoError (a thrown string, a plain Error, a TypeError from a bug), and
 * unexpected faults are logged once with their stack. Transports then render
 * the envelope; no panic (non-Error throw) can escape.
 */
function response(): Filter {
  return (next) =>
    function responseFilter(ctx) {
      try {
        const p = next(ctx);
        // Already fulfilled: nothing to catch, and the mark goes on to the transport.
        if (isSettled(p)) return p;
        return p.then(undefined, (err: unknown) => {
          throw fault(ctx, err);
        });
      } catch (err) {
        return Promise.reject(fault(ctx, err));
      }
    };
}

/**
 * The seed's `filters.New(chain)`: the response filter over the service
 * chain, fused into one endpoint. It behaves as `chain(response(),
 * comm(service))` with one reaction instead of two, and none at all when the
 * services finish synchronously.
 */
function create(service: Service): Endpoint {
  const fn = toServiceFn(service, "filters.create service");
  return function createEndpoint(ctx) {
    let p: unknown;
    try {
      p = fn(ctx, noNext);
    } catch (err) {
      return Promise.reject(fault(ctx, err));
    }
    if (finishedNow(p)) return settled(ctx.result);
    return (p as Promise<void>).then(
      () => ctx.result,
      (err: unknown) => {
        throw fault(ctx, err);
      },
    );
  };
}

/** The seed's `filters.Limit(chain)`: response → rate limit (default: 3 calls per 3 s per handler) → the services. */
function limit(service: Service, options?: RateLimitOptions): Endpoint {
  return chain(response(), rateLimit(options), comm(service));
}

/** The seed's `filters.Auth(chain)`: response → JWT → the services (claims under `jwtClaimsKey`). */
function auth(service: Service, options: JwtOptions): Endpoint {
  return chain(response(), jwt(options), comm(service));
}

/**
 * `make`, whose filters are named `name`: a typed handler lists the names of
 * its filters (`HandlerInfo.filters`), so docs can tell that a route needs a
 * token (jwt → security) or may refuse with `resource_exhausted`.
 */
function named<A extends unknown[]>(name: string, make: (...args: A) => Filter): (...args: A) => Filter {
  return (...args) => Object.defineProperty(make(...args), "name", { value: name });
}

/**
 * Composition (`chain`, `comm`), the seed's presets (`create`, `limit`,
 * `auth`) and the built-in filters. Each factory validates its options when
 * called and keeps its state (limiter counts, breaker, bulkhead slots) per
 * filter it returns.
 */
export const filters = {
  /** Compose filters around a terminal endpoint: `chain(f1, f2, ep)` is `f1(f2(ep))`, the first listed outermost. */
  chain,
  /** The terminal endpoint over a service chain (the seed's CommEndpoint): returns what the services built with `ctx.response(k, v)`. */
  comm,
  /** The seed's ResponseEndpoint: whatever the inner endpoint throws leaves as a WegoError; unexpected faults are logged once. */
  response,
  /** The seed's `filters.New(chain)`: a handler from a service chain, with `response` normalising failures. */
  create,
  /** The seed's `filters.Limit(chain)`: response → rate limit (default 3 calls per 3 s per handler) → the services. */
  limit,
  /** The seed's `filters.Auth(chain)`: response → JWT verification (claims under `jwtClaimsKey`) → the services. */
  auth,
  /** Rate limit per key (sliding window; `LimiterStore` for a cluster-wide limit): refusals are `resource_exhausted` with `retryAfterMs`. */
  rateLimit: named("rateLimit", rateLimit),
  /** Verify a JWT bearer token with jose (algorithm allow-list, exp/nbf/iss/aud); refusals are `unauthenticated`. */
  jwt: named("jwt", jwt),
  /** Tighten the invocation's deadline to `ms`: the signal fires and the call fails `deadline_exceeded` when it passes. */
  timeout: named("timeout", timeout),
  /** Validate the input with a Standard Schema (zod, valibot, arktype…); refusals are `invalid_argument` with field issues. */
  validate,
  /** Bound concurrent calls (and a waiting queue); refusals are `resource_exhausted`. */
  bulkhead: named("bulkhead", bulkhead),
  /** Stop calling a failing dependency for a while (error %, volume threshold, sleep window); refusals are `unavailable`. */
  circuitBreaker: named("circuitBreaker", circuitBreaker),
  /** Log one line per invocation: handler, route, transport, duration, outcome code. */
  accessLog,
  /** Count invocations and their durations per handler and code, in the app's Prometheus registry. */
  metrics,
  /** Run each invocation in an OpenTelemetry span, continuing the caller's `traceparent`. */
  tracing,
};
