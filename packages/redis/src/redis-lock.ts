import { randomBytes } from "node:crypto";
import type { DistributedLock } from "@wego/core";
import type { LockHandle } from "@wego/core/transport";
import type { Redis } from "ioredis";
import { positiveInt } from "./errors.js";
import { bindScript } from "./lua.js";

// Release and extend only if the lock still carries our token: a holder whose
// lease expired must never delete or prolong the next holder's lock.
const releaseLua = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;
const extendLua = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;

export interface RedisLockOptions {
  /** Key prefix before each lock key; default `wego:lock:`. */
  prefix?: string;
}

/**
 * A {@link DistributedLock} on one Redis: `SET key token NX PX ttl` to take
 * it, Lua compare-and-delete / compare-and-expire to release and extend.
 * Safe against a holder outliving its lease (its release is refused); not a
 * Redlock across several masters.
 *
 * @example
 * const lock = createRedisLock(redis(app));
 * const held = await lock.acquire("report", 30_000);
 * if (held) try { await work(); } finally { await held.release(); }
 */
export function createRedisLock(client: Redis, options: RedisLockOptions = {}): DistributedLock {
  const prefix = options.prefix ?? "wego:lock:";
  const release = bindScript(client, "wegoLockRelease", 1, releaseLua);
  const extend = bindScript(client, "wegoLockExtend", 1, extendLua);
  return {
    async acquire(key: string, ttlMs: number): Promise<LockHandle | undefined> {
      positiveInt("lock ttlMs", ttlMs);
      const full = prefix + key;
      const token = randomBytes(16).toString("base64url");
      const ok = await client.set(full, token, "PX", ttlMs, "NX");
      if (ok !== "OK") return undefined;
      return {
        key,
        async extend(ms: number) {
          positiveInt("lock ttlMs", ms);
          return (await extend(full, token, ms)) === 1;
        },
        async release() {
          return (await release(full, token)) === 1;
        },
      };
    },
  };
}
