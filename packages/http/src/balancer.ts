/** One upstream of a balancer, with the time until which it is skipped. */
export interface Upstream<T> {
  readonly target: T;
  /** ms since epoch; 0 when healthy. */
  failedUntil: number;
}

/** Round-robin over upstreams, skipping those that failed recently. */
export interface Balancer<T> {
  readonly upstreams: readonly Upstream<T>[];
  /** The next healthy upstream; when all are skipped, the one whose skip ends first (trying beats failing outright). */
  pick(): Upstream<T>;
  /** Skip `u` for the skip period. */
  fail(u: Upstream<T>): void;
  /** `u` answered: stop skipping it. */
  ok(u: Upstream<T>): void;
}

/**
 * A round-robin balancer with a cool-down: an upstream that failed (refused
 * a connection, timed out, answered 502/503) is left out for `skipMs`, then
 * tried again. The clock is injectable for tests.
 */
export function createBalancer<T>(targets: readonly T[], skipMs: number, now: () => number = Date.now): Balancer<T> {
  const upstreams: Upstream<T>[] = targets.map((target) => ({ target, failedUntil: 0 }));
  const n = upstreams.length;
  let next = 0;
  return {
    upstreams,
    pick() {
      const t = now();
      for (let k = 0; k < n; k++) {
        const i = (next + k) % n;
        const u = upstreams[i] as Upstream<T>;
        if (u.failedUntil <= t) {
          next = (i + 1) % n;
          return u;
        }
      }
      let soonest = upstreams[0] as Upstream<T>;
      for (const u of upstreams) if (u.failedUntil < soonest.failedUntil) soonest = u;
      return soonest;
    },
    fail(u) {
      u.failedUntil = now() + skipMs;
    },
    ok(u) {
      u.failedUntil = 0;
    },
  };
}
