import { createContextKey } from "../context-key.js";

/**
 * A token bucket shared by several processes (Redis: `@wego/redis`'s
 * `createRedisTokenBucketStore`). `take` removes one token from the bucket
 * `key`, refilled at `rate` tokens per second up to `burst`: 0 when a token
 * was taken, else the ms until one will be there.
 */
export interface TokenBucketStore {
  take(key: string, rate: number, burst: number): Promise<number>;
}

/**
 * Where governance finds the shared bucket store for `rateLimit` policies
 * with `shared: true`: `app.set(tokenBucketStoreKey, createRedisTokenBucketStore(redis))`.
 */
export const tokenBucketStoreKey = createContextKey<TokenBucketStore | undefined>("wego.tokenBucketStore", undefined);

/**
 * A token bucket in this process: `rate` tokens a second, at most `burst`
 * saved up, full at first. `take()` is 0 when a token was taken, else the ms
 * until the next one. Over any span the calls let through are at most
 * `burst + rate × seconds`, and a steady caller gets exactly `rate` a second
 * (go-chassis derived the burst from the rate, so a steady caller got less).
 * `rate` 0 never refills: after the burst, every call waits forever (0 and
 * burst 0 is "closed"; `take` then answers Infinity).
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  // Plain fields, no parameter properties: the sources also run under Node's type stripping.
  constructor(rate: number, burst: number, now: () => number = Date.now) {
    this.rate = rate;
    this.burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  take(): number {
    const t = this.#now();
    if (this.rate > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) * this.rate) / 1000);
    }
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    if (this.rate <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.rate));
  }
}
