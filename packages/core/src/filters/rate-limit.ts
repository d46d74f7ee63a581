import type { Context } from "../context.js";
import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";
import type { LimiterStore } from "../ports.js";
import { createMemoryLimiterStore, type MemoryLimiterStore } from "./memory-limiter-store.js";

export interface RateLimitOptions {
  /** Calls allowed per window and key. Default 3 (the original's burst). */
  limit?: number;
  /** The sliding window in ms. Default 3000 (with `limit` 3: the original's 1 per second on average). */
  windowMs?: number;
  /**
   * What is limited: a key per call. Default: the handler (one budget shared by
   * all callers). Per client: `(ctx) => ctx.get(jwtClaimsKey)?.sub` or an IP
   * from `ctx.meta`. Returning undefined lets the call through unlimited.
   */
  key?: (ctx: Context) => string | undefined;
  /** Where hits are counted: a shared store (e.g. Redis) for a cluster-wide limit. Default: this process's memory. */
  store?: LimiterStore;
  /**
   * Prefix added to keys in the store, to keep apart limits that would share
   * a key (two filters on one handler). Default none: stores namespace their
   * own keys (`@wego/redis` uses `wego:limit:`).
   */
  prefix?: string;
  /** When the store fails: true lets calls through, false fails them with `unavailable`. Default false. */
  failOpen?: boolean;
}

const byHandler = (ctx: Context): string => ctx.handler;

function limited(limit: number, windowMs: number, retryAfterMs: number): WegoError {
  return new WegoError("resource_exhausted", "rate limit exceeded", { retryAfterMs, details: { limit, windowMs, retryAfterMs } });
}

/**
 * Limit calls per key to `limit` in any sliding window of `windowMs`. Over the
 * limit a call fails with `resource_exhausted` and a `retryAfterMs` hint (HTTP
 * sends it as Retry-After) without reaching the endpoint. In-process by
 * default (exact, O(1) per call); give a `store` to share the limit across
 * instances.
 *
 * @example
 * filters.chain(filters.response(), filters.rateLimit({ limit: 100, windowMs: 60_000, key: (ctx) => clientIp(ctx) }), endpoint)
 */
export function rateLimit(options: RateLimitOptions = {}): Filter {
  const limit = options.limit ?? 3;
  const windowMs = options.windowMs ?? 3000;
  if (!Number.isInteger(limit) || limit < 1)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.rateLimit limit", "must be an integer ≥ 1");
  if (!(windowMs > 0)) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.rateLimit windowMs", "must be > 0");
  const keyOf = options.key ?? byHandler;
  const failOpen = options.failOpen ?? false;
  const store = options.store ?? createMemoryLimiterStore();
  // The in-process store answers synchronously: no promise per call.
  const local = typeof (store as Partial<MemoryLimiterStore>).tryHit === "function" ? (store as MemoryLimiterStore) : undefined;
  const prefix = options.prefix ?? "";

  return (next) => {
    const onStoreError = (ctx: Context) => (err: unknown) => {
      if (!failOpen) throw new WegoError("unavailable", "rate limiter store unavailable", { cause: err });
      ctx.log.warn({ err }, "rate limiter store failed; letting the call through");
      return next(ctx);
    };
    return function rateLimitFilter(ctx) {
      let key: string | undefined;
      try {
        key = keyOf(ctx);
        if (key === undefined) return next(ctx);
        if (local !== undefined) {
          const retryAfterMs = local.tryHit(prefix + key, limit, windowMs);
          return retryAfterMs === 0 ? next(ctx) : Promise.reject(limited(limit, windowMs, retryAfterMs));
        }
      } catch (err) {
        return Promise.reject(err);
      }
      return store
        .hit(prefix + key, limit, windowMs)
        .then((r) => (r.allowed ? next(ctx) : Promise.reject(limited(limit, windowMs, r.retryAfterMs))), onStoreError(ctx));
    };
  };
}
