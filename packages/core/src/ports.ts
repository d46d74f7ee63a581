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

/** One running instance of a service, as a registry holds it. */
export interface ServiceInstance {
  /** The service's name, what clients ask for (`orders`). */
  readonly service: string;
  /** Unique per instance (default `<host>-<pid>-<random>`). */
  readonly id: string;
  /** The build it runs (`1.4.0`), what canary rules select on. */
  readonly version?: string;
  /** The zone it runs in (`eu-west-1a`), for zone-aware balancing. */
  readonly zone?: string;
  /** Free labels (`{ canary: "true" }`), matched by tag filters and route rules. */
  readonly tags?: Readonly<Record<string, string>>;
  /** One base URL per transport it serves: `{ http: "http://10.0.0.7:8341", grpc: "http://10.0.0.7:9341" }`. */
  readonly endpoints: Readonly<Record<string, string>>;
}

/**
 * Service discovery: instances register themselves, clients watch a
 * service's instances. Implementations: static list and DNS (A/SRV) in core,
 * etcd (leases with keepalive, watches) in `@wego/etcd`.
 */
export interface Registry {
  /** Publish `instance` until `deregister` (or, on etcd, until its lease expires after a crash). */
  register(instance: ServiceInstance): Promise<void>;
  /** Withdraw `instance`; watchers learn at once. */
  deregister(instance: ServiceInstance): Promise<void>;
  /** The instances of `service` now. */
  instances(service: string): Promise<ServiceInstance[]>;
  /**
   * Call `listener` with the whole current list of `service`'s instances, once
   * when the watch is live and again on every change; resolves an unwatch function.
   */
  watch(service: string, listener: (instances: ServiceInstance[]) => void): Promise<() => void>;
  /** Release connections and timers. */
  close?(): Promise<void>;
}
