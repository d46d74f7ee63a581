/**
 * Ports: the interfaces through which wego's distributed features plug into
 * a shared engine. Core and the transports use them; in-process versions ship
 * with core or the transport, and `@wego/redis` provides the cluster-wide ones.
 */

/** A mutual-exclusion lock with a lease (Redis: SET NX PX + token, Lua release/extend). */
export interface DistributedLock {
  /** Try once; resolves a handle when acquired, undefined when someone else holds `key`. */
  acquire(key: string, ttlMs: number): Promise<LockHandle | undefined>;
}

export interface LockHandle {
  readonly key: string;
  /** Extend the lease; false when it was lost. */
  extend(ttlMs: number): Promise<boolean>;
  /** Release if still ours; false when it was lost. */
  release(): Promise<boolean>;
}

/** Publish/subscribe across instances (WebSocket broadcast, cache invalidation…). */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; returns an unsubscribe function. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

/** The shared tier of the cache: raw JSON strings with a TTL. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Counting store for the `limit` filter, so a limit holds across instances:
 * a fixed or sliding window counter keyed per limit key.
 */
export interface LimiterStore {
  /**
   * Count one hit for `key` in a window of `windowMs`; `allowed` when the
   * count (including this hit) is at most `limit`; `retryAfterMs` when not.
   */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; remaining: number; retryAfterMs: number }>;
}

/** Leases a snowflake worker id (0–1023) so instances never collide. */
export interface WorkerIdLease {
  /** Acquire a free id and keep it leased until `release`. */
  acquire(): Promise<number>;
  release(): Promise<void>;
}
