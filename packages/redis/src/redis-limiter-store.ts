import { randomBytes } from "node:crypto";
import type { LimiterStore } from "@wego/core";
import type { Redis } from "ioredis";
import { positiveInt, redisError } from "./errors.js";
import { bindScript } from "./lua.js";

// Sliding log: one sorted-set member per allowed hit, scored by Redis' own
// clock (TIME), so instances with skewed clocks still share one window.
// Refused hits are not recorded: a client that keeps hammering is let in again
// as soon as its oldest allowed hit leaves the window.
const slidingLua = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - window)
local count = redis.call("ZCARD", KEYS[1])
if count < limit then
  redis.call("ZADD", KEYS[1], now, t[1] .. t[2] .. ARGV[3])
  redis.call("PEXPIRE", KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
local retry = tonumber(oldest[2]) + window - now
if retry < 1 then retry = 1 end
return {0, 0, retry}`;

// Fixed window: a counter that expires with its window. Cheaper (one key, no
// set), but allows up to 2×limit across a window boundary.
const fixedLua = `
local count = redis.call("INCR", KEYS[1])
if count == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
local limit = tonumber(ARGV[2])
if count <= limit then return {1, limit - count, 0} end
local ttl = redis.call("PTTL", KEYS[1])
if ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {0, 0, ttl}`;

export interface RedisLimiterStoreOptions {
  /** `sliding` (default): an exact rolling window. `fixed`: a counter per window, cheaper. */
  algorithm?: "sliding" | "fixed";
}

/**
 * A cluster-wide {@link LimiterStore} for the core `limit` filter: every hit
 * is counted by one atomic Lua script under `prefix + key`.
 */
export function createRedisLimiterStore(client: Redis, prefix = "wego:limit:", options: RedisLimiterStoreOptions = {}): LimiterStore {
  const algorithm = options.algorithm ?? "sliding";
  if (algorithm !== "sliding" && algorithm !== "fixed")
    throw redisError("WEGO_ERR_REDIS_INVALID_OPTION", "limiter algorithm", '"sliding" or "fixed"', algorithm);
  const script =
    algorithm === "sliding" ? bindScript(client, "wegoLimitSliding", 1, slidingLua) : bindScript(client, "wegoLimitFixed", 1, fixedLua);
  // A per-process nonce keeps sorted-set members unique when two instances
  // hit the same key in the same microsecond.
  const nonce = randomBytes(6).toString("base64url");
  let seq = 0;
  return {
    async hit(key, limit, windowMs) {
      positiveInt("limit", limit);
      positiveInt("windowMs", windowMs);
      const reply = (await (algorithm === "sliding"
        ? script(prefix + key, windowMs, limit, `:${nonce}:${seq++}`)
        : script(prefix + key, windowMs, limit))) as [number, number, number];
      return { allowed: reply[0] === 1, remaining: reply[1], retryAfterMs: reply[2] };
    },
  };
}
