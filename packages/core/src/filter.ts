import type { Context } from "./context.js";
import { frameworkError } from "./errors/catalogue.js";
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
import { type Service, toServiceFn } from "./service.js";

/** The unit every transport calls: a context in, a result out (go-kit's endpoint). */
export type Endpoint<T = unknown> = (ctx: Context) => Promise<T>;

/** Wraps an endpoint (go-kit middleware): rate limit, auth, timeout, validation… */
export type Filter = (next: Endpoint) => Endpoint;

const resolved: Promise<void> = Promise.resolve();
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
    try {
      const p = fn(ctx, noNext) as Promise<void> | undefined;
      if (p !== undefined && typeof (p as Promise<void>).then === "function") return p.then(() => ctx.result);
      return Promise.resolve(ctx.result);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/**
 * The seed's ResponseEndpoint: whatever the inner endpoint throws leaves as a
 * WegoError (a thrown string, a plain Error, a TypeError from a bug), and
 * unexpected faults are logged once with their stack. Transports then render
 * the envelope; no panic (non-Error throw) can escape.
 */
function response(): Filter {
  return (next) => {
    const onError = (ctxRef: Context) => (err: unknown) => {
      const e = WegoError.from(err);
      if (!e.exposable) ctxRef.log.error({ err: e.cause ?? e }, "unhandled error in handler %s", ctxRef.handler);
      throw e;
    };
    return function responseFilter(ctx) {
      try {
        return next(ctx).then(undefined, onError(ctx));
      } catch (err) {
        return Promise.resolve().then(() => onError(ctx)(err));
      }
    };
  };
}

/** The seed's `filters.New(chain)`: response filter over the service chain. */
function create(service: Service): Endpoint {
  return chain(response(), comm(service));
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
 * Composition (`chain`, `comm`), the seed's presets (`create`, `limit`,
 * `auth`) and the built-in filters. Each factory validates its options when
 * called and keeps its state (limiter counts, breaker, bulkhead slots) per
 * filter it returns.
 */
export const filters = {
  chain,
  comm,
  response,
  create,
  limit,
  auth,
  rateLimit,
  jwt,
  timeout,
  validate,
  bulkhead,
  circuitBreaker,
  accessLog,
  metrics,
  tracing,
};
