import { frameworkError } from "../errors/catalogue.js";
import type { LimiterStore } from "../ports.js";

export interface MemoryLimiterStoreOptions {
  /** Keys tracked at most; past it the oldest-created key is forgotten. Default 100,000. */
  maxKeys?: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

/** A {@link LimiterStore} in this process's memory, with a synchronous fast path. */
export interface MemoryLimiterStore extends LimiterStore {
  /** Count a hit; 0 when allowed, else the ms until a hit would be allowed. */
  tryHit(key: string, limit: number, windowMs: number): number;
  /** Keys currently tracked. */
  readonly size: number;
}

/** The allowed hits of one key still inside the window, oldest at `head`, in a ring that grows on demand. */
interface Window {
  hits: Float64Array;
  head: number;
  count: number;
  windowMs: number;
}

/**
 * An exact sliding-window limiter in memory: a key is allowed a hit when
 * fewer than `limit` of its allowed hits fall in the last `windowMs`. Each
 * key keeps the times of those hits in a ring that starts small and grows
 * (up to `limit`) only as hits arrive, so a check is amortised O(1) and a
 * key costs 8 bytes per hit in its window. Idle keys are swept.
 *
 * @example
 * filters.rateLimit({ limit: 100, windowMs: 60_000, store: createMemoryLimiterStore() })
 */
export function createMemoryLimiterStore(options: MemoryLimiterStoreOptions = {}): MemoryLimiterStore {
  const clock = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  if (!(maxKeys >= 1)) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "createMemoryLimiterStore maxKeys", "must be ≥ 1");
  const windows = new Map<string, Window>();
  let nextSweep = clock() + 1000;
  let sweepEvery = 1000;

  /** Drop the hits that have left the window; true when none is left. */
  function expire(w: Window, now: number): boolean {
    const cap = w.hits.length;
    while (w.count > 0 && now - (w.hits[w.head] as number) >= w.windowMs) {
      w.head = w.head + 1 === cap ? 0 : w.head + 1;
      w.count--;
    }
    return w.count === 0;
  }

  /** Forget keys with no hit left in their window. */
  function sweep(now: number): void {
    for (const [key, w] of windows) if (expire(w, now)) windows.delete(key);
    nextSweep = now + sweepEvery;
  }

  function windowOf(key: string, limit: number, windowMs: number, now: number): Window {
    let w = windows.get(key);
    if (w === undefined) {
      if (!Number.isInteger(limit) || limit < 1)
        throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "limiter limit", `must be an integer ≥ 1, got ${limit}`);
      if (windows.size >= maxKeys) {
        sweep(now);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
      }
      w = { hits: new Float64Array(Math.min(limit, 4)), head: 0, count: 0, windowMs };
      windows.set(key, w);
    }
    w.windowMs = windowMs;
    return w;
  }

  /** Append a hit, doubling the ring (in order, oldest first) when it is full. */
  function push(w: Window, limit: number, now: number): void {
    let cap = w.hits.length;
    if (w.count === cap) {
      const grown = new Float64Array(Math.min(limit, cap * 2));
      for (let i = 0; i < w.count; i++) grown[i] = w.hits[(w.head + i) % cap] as number;
      w.hits = grown;
      w.head = 0;
      cap = grown.length;
    }
    w.hits[(w.head + w.count) % cap] = now;
    w.count++;
  }

  /** Hits left after the last `tryHit` (a side result, so the fast path returns a bare number). */
  let remaining = 0;

  /** Count a hit: 0 when allowed; else ms until the oldest hit leaves the window. */
  function tryHit(key: string, limit: number, windowMs: number): number {
    const now = clock();
    if (now >= nextSweep) {
      if (windowMs > sweepEvery) sweepEvery = windowMs;
      sweep(now);
    }
    const w = windowOf(key, limit, windowMs, now);
    expire(w, now);
    if (w.count >= limit) {
      remaining = 0;
      return Math.max(1, Math.ceil((w.hits[w.head] as number) + windowMs - now));
    }
    push(w, limit, now);
    remaining = limit - w.count;
    return 0;
  }

  return {
    tryHit,
    async hit(key, limit, windowMs) {
      const retryAfterMs = tryHit(key, limit, windowMs);
      return { allowed: retryAfterMs === 0, remaining, retryAfterMs };
    },
    get size() {
      return windows.size;
    },
  };
}
