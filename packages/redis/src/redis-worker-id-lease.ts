import { randomBytes } from "node:crypto";
import type { WorkerIdLease } from "@wego/core";
import type { Redis } from "ioredis";
import { positiveInt, redisError } from "./errors.js";
import { bindScript } from "./lua.js";

// Claim the first free id, starting at ARGV[4] and wrapping around, in one
// atomic script: two instances racing can never both get the same id.
const claimLua = `
local first = tonumber(ARGV[1])
local count = tonumber(ARGV[2]) - first + 1
local start = tonumber(ARGV[4])
for i = 0, count - 1 do
  local id = first + (start - first + i) % count
  if redis.call("SET", KEYS[1] .. id, ARGV[3], "NX", "PX", ARGV[5]) then return id end
end
return -1`;

// Renew only our own lease; if it expired (Redis restarted, process paused)
// but nobody took the id meanwhile, take it back.
const renewLua = `
local v = redis.call("GET", KEYS[1])
if v == ARGV[1] then redis.call("PEXPIRE", KEYS[1], ARGV[2]) return 1 end
if not v then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 2 end
return 0`;

const releaseLua = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export interface RedisWorkerIdLeaseOptions {
  /** Key prefix; each id is leased as `prefix + id`. Default `wego:worker-id:`. */
  prefix?: string;
  /** Lease time in ms; default 30 000. The lease is renewed every `ttlMs / 3`. */
  ttlMs?: number;
  /** Lowest and highest id handed out; default 0 and 1023 (snowflake's 10 bits). */
  min?: number;
  max?: number;
  /**
   * Called when renewal finds the id taken by another instance (this process
   * was frozen or cut off longer than `ttlMs`): stop generating ids with it.
   * `id` is undefined from then on; a later `acquire()` claims a free one.
   */
  onLost?: (err: Error) => void;
}

/** A {@link WorkerIdLease} that also says which id it holds. */
export interface RedisWorkerIdLease extends WorkerIdLease {
  /** The leased id, or undefined before `acquire` / after `release`. */
  readonly id: number | undefined;
}

/**
 * Leases a snowflake worker id (0–1023 by default) so that instances sharing
 * a Redis never use the same one: an atomic claim (`SET NX PX`), renewed on a
 * timer while the process lives, released on `release()` (and expiring on
 * its own `ttlMs` after a crash).
 *
 * @example
 * const lease = createRedisWorkerIdLease(redis(app));
 * const workerId = await lease.acquire();
 * app.onShutdown(() => lease.release());
 */
export function createRedisWorkerIdLease(client: Redis, options: RedisWorkerIdLeaseOptions = {}): RedisWorkerIdLease {
  const prefix = options.prefix ?? "wego:worker-id:";
  const ttlMs = positiveInt("lease ttlMs", options.ttlMs ?? 30_000);
  const min = options.min ?? 0;
  const max = options.max ?? 1023;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > 1023 || min > max)
    throw redisError("WEGO_ERR_REDIS_INVALID_OPTION", "worker id range", "integers with 0 ≤ min ≤ max ≤ 1023", `${min}–${max}`);
  const claim = bindScript(client, "wegoWorkerIdClaim", 1, claimLua);
  const renew = bindScript(client, "wegoWorkerIdRenew", 1, renewLua);
  const release = bindScript(client, "wegoWorkerIdRelease", 1, releaseLua);
  const token = randomBytes(16).toString("base64url");
  let id: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<number> | undefined;

  const tick = async (): Promise<void> => {
    if (id === undefined) return;
    try {
      const r = await renew(prefix + id, token, ttlMs);
      if (r === 0 && id !== undefined) {
        const err = redisError("WEGO_ERR_REDIS_WORKER_ID_LOST", id);
        stopTimer();
        id = undefined;
        options.onLost?.(err);
      }
    } catch {
      // Redis unreachable: try again next tick; the lease survives up to ttlMs.
    }
  };
  const stopTimer = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    get id() {
      return id;
    },
    acquire() {
      if (id !== undefined) return Promise.resolve(id);
      pending ??= (async () => {
        try {
          // A random start spreads instances over the range instead of all racing for 0.
          const start = min + Math.floor(Math.random() * (max - min + 1));
          const got = (await claim(prefix, min, max, token, start, ttlMs)) as number;
          if (got < 0) throw redisError("WEGO_ERR_REDIS_WORKER_IDS_EXHAUSTED", min, max, prefix);
          id = got;
          timer = setInterval(tick, Math.max(1, Math.floor(ttlMs / 3)));
          timer.unref();
          return got;
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
    async release() {
      stopTimer();
      const held = id;
      id = undefined;
      if (held !== undefined) await release(prefix + held, token);
    },
  };
}
