import { LRUCache } from "lru-cache";
import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import type { CacheStore } from "../ports.js";

export interface CacheOptions {
  /** Budget of the memory tier in bytes (config `cache.maxBytes`). Default 32 MiB. */
  maxBytes?: number;
  /** The shared tier (e.g. Redis from `@wego/redis`); memory only when absent. */
  store?: CacheStore;
  /** Prefix of keys in the shared tier. Default `"wego:cache:"`. */
  prefix?: string;
  /**
   * With a shared tier, the longest a value stays in this process's memory
   * (config `cache.localTtlSeconds`), bounding how stale it can be after
   * another instance changed it; 0 keeps no local copies. Default 5.
   */
  localTtlSeconds?: number;
  /** Clock for TTLs in ms (`performance.now` by default); tests inject their own. */
  now?: () => number;
}

/**
 * A bounded cache of JSON values: the freecache role, on lru-cache. Values
 * are stored as JSON copies, so what a caller holds is never what is cached.
 */
export interface Cache {
  /** A copy of the value, or undefined when absent or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Store a JSON copy of `value` for `ttlSeconds` (0 or omitted: until evicted). `undefined` deletes. */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
  /**
   * The cached value, or the result of `compute` stored for `ttlSeconds`.
   * Concurrent callers for one key share a single computation (no stampede);
   * a failure reaches all of them and caches nothing.
   */
  getOrCompute<T>(key: string, ttlSeconds: number, compute: () => Promise<T> | T): Promise<T>;
  /** Empty the memory tier (the shared tier is left alone). */
  clear(): void;
  /** Entries in the memory tier. */
  readonly size: number;
  /** Bytes the memory tier accounts for (keys + JSON + a fixed overhead per entry). */
  readonly bytes: number;
}

const RESOLVED: Promise<void> = Promise.resolve();
const noop = (): void => {};

/** Per-entry overhead counted against the budget (lru-cache's slots, the key's own header). */
const ENTRY_OVERHEAD = 64;

/**
 * A stored object value: the JSON text. Primitives are immutable and are
 * stored as they are, which spares a parse on every get of a string or number.
 */
class Json {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
type Stored = Json | string | number | boolean;
/** null (lru-cache holds no nulls), shared: decoding it yields a fresh null anyway. */
const JSON_NULL = new Json("null");

function encode(key: string, value: unknown): Stored {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON has no NaN or Infinity: they come back as null, as JSON.parse would give.
      return Number.isFinite(value) ? value : JSON_NULL;
    case "object":
      if (value === null) return JSON_NULL;
      break;
    default:
      throw frameworkError("WEGO_ERR_CACHE_VALUE", key, `a ${typeof value}`);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw frameworkError("WEGO_ERR_CACHE_VALUE", key, (err as Error).message);
  }
  if (text === undefined) throw frameworkError("WEGO_ERR_CACHE_VALUE", key, "serialises to nothing");
  return new Json(text);
}

function decode(stored: Stored): unknown {
  return stored instanceof Json ? JSON.parse(stored.text) : stored;
}

function sizeOf(stored: Stored, key: string): number {
  const v = stored instanceof Json ? stored.text.length : typeof stored === "string" ? stored.length : 8;
  return key.length + v + ENTRY_OVERHEAD;
}

function ttlMs(key: string, ttlSeconds: number | undefined): number {
  if (ttlSeconds === undefined || ttlSeconds === 0) return 0;
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds))
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", `cache ttl for "${key}"`, "must be seconds ≥ 0");
  return Math.ceil(ttlSeconds * 1000);
}

/**
 * Create a cache: a memory tier (lru-cache with a byte budget, TTL and LRU
 * eviction) and, optionally, a shared tier behind the {@link CacheStore}
 * port. Reads try memory, then the shared tier (and keep what they find in
 * memory for at most `localTtlSeconds`); writes and deletes go to both.
 *
 * @example
 * const cache = createCache({ maxBytes: 8 * 1024 * 1024 });
 * const user = await cache.getOrCompute(`user:${id}`, 60, () => db.findUser(id));
 */
export function createCache(options: CacheOptions = {}): Cache {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "cache maxBytes", "must be a positive integer");
  const store = options.store;
  const prefix = options.prefix ?? "wego:cache:";
  const localTtl = ttlMs("(local)", options.localTtlSeconds ?? 5);
  const lru = new LRUCache<string, Stored>({
    maxSize: maxBytes,
    sizeCalculation: sizeOf,
    // An injected clock is read on every check (lru-cache otherwise caches `now` for 1 ms).
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  const inflight = new Map<string, Promise<unknown>>();

  /** Keep a copy in memory; with a shared tier it never outlives `localTtl` (0: no local copies). */
  function keep(key: string, stored: Stored, ms: number): void {
    if (store === undefined) lru.set(key, stored, { ttl: ms });
    else if (localTtl > 0) lru.set(key, stored, { ttl: ms === 0 ? localTtl : Math.min(ms, localTtl) });
  }

  const storeError = (op: string, err: unknown): WegoError =>
    new WegoError("unavailable", `cache store ${op} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });

  async function fromStore(key: string): Promise<Stored | undefined> {
    if (store === undefined) return undefined;
    let text: string | undefined;
    try {
      text = await store.get(prefix + key);
    } catch (err) {
      throw storeError("get", err);
    }
    if (text === undefined) return undefined;
    const stored = new Json(text);
    keep(key, stored, 0);
    return stored;
  }

  // get and set skip async frames on the memory-only path: one promise per call, not three.
  function get<T>(key: string): Promise<T | undefined> {
    const hit = lru.get(key);
    if (hit !== undefined) return Promise.resolve(decode(hit) as T);
    if (store === undefined) return RESOLVED as Promise<undefined>;
    return fromStore(key).then((stored) => (stored === undefined ? undefined : (decode(stored) as T)));
  }

  /** Encode, keep in memory, write through; returns what was stored. */
  async function put(key: string, value: unknown, ttlSeconds: number | undefined): Promise<Stored> {
    const ms = ttlMs(key, ttlSeconds);
    const stored = encode(key, value);
    keep(key, stored, ms);
    if (store !== undefined) {
      const text = stored instanceof Json ? stored.text : JSON.stringify(stored);
      try {
        await store.set(prefix + key, text, ms / 1000);
      } catch (err) {
        lru.delete(key);
        throw storeError("set", err);
      }
    }
    return stored;
  }

  function set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    if (value === undefined) return del(key);
    if (store !== undefined) return put(key, value, ttlSeconds).then(noop);
    try {
      const ms = ttlMs(key, ttlSeconds);
      if (ms === 0) lru.set(key, encode(key, value));
      else lru.set(key, encode(key, value), { ttl: ms });
      return RESOLVED;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async function del(key: string): Promise<void> {
    lru.delete(key);
    if (store === undefined) return;
    try {
      await store.delete(prefix + key);
    } catch (err) {
      throw storeError("delete", err);
    }
  }

  async function has(key: string): Promise<boolean> {
    if (lru.has(key)) return true;
    return (await fromStore(key)) !== undefined;
  }

  async function getOrCompute<T>(key: string, ttlSeconds: number, compute: () => Promise<T> | T): Promise<T> {
    const hit = lru.get(key);
    if (hit !== undefined) return decode(hit) as T;
    let pending = inflight.get(key) as Promise<Stored | undefined> | undefined;
    if (pending === undefined) {
      pending = (async () => {
        try {
          const shared = await fromStore(key);
          if (shared !== undefined) return shared;
          const value = await compute();
          return value === undefined ? undefined : await put(key, value, ttlSeconds);
        } finally {
          inflight.delete(key);
        }
      })();
      inflight.set(key, pending);
    }
    // Every caller decodes its own copy of the one computed value.
    const stored = await pending;
    return (stored === undefined ? undefined : decode(stored)) as T;
  }

  return {
    get,
    set,
    delete: del,
    has,
    getOrCompute,
    clear: () => lru.clear(),
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
  };
}
