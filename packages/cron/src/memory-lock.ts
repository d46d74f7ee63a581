import type { DistributedLock } from "@wego/core";
import type { LockHandle } from "@wego/core/transport";

interface Lease {
  token: number;
  expiresAt: number;
}

/**
 * An in-process {@link DistributedLock}: for tests and single-process
 * deployments, or several apps in one process sharing one instance. Leases
 * expire by the clock (no timers); expired entries are swept as keys are taken.
 * For many processes use the Redis lock from `@wego/redis`.
 */
export function createMemoryLock(options: { now?: () => number } = {}): DistributedLock & { readonly size: number } {
  const now = options.now ?? Date.now;
  const leases = new Map<string, Lease>();
  let tokens = 0;
  let sweepAt = 0;

  function live(key: string, t: number): Lease | undefined {
    const lease = leases.get(key);
    if (lease !== undefined && lease.expiresAt <= t) {
      leases.delete(key);
      return undefined;
    }
    return lease;
  }

  function sweep(t: number): void {
    if (t < sweepAt) return;
    sweepAt = t + 1000;
    for (const [key, lease] of leases) if (lease.expiresAt <= t) leases.delete(key);
  }

  return {
    get size() {
      return leases.size;
    },
    async acquire(key, ttlMs): Promise<LockHandle | undefined> {
      const t = now();
      sweep(t);
      if (live(key, t) !== undefined) return undefined;
      const token = ++tokens;
      leases.set(key, { token, expiresAt: t + ttlMs });
      const ours = (): Lease | undefined => {
        const lease = live(key, now());
        return lease?.token === token ? lease : undefined;
      };
      return {
        key,
        async extend(ms) {
          const lease = ours();
          if (lease === undefined) return false;
          lease.expiresAt = now() + ms;
          return true;
        },
        async release() {
          if (ours() === undefined) return false;
          leases.delete(key);
          return true;
        },
      };
    },
  };
}
