import type { TokenBucketStore } from "@wego/core";
import type { Redis } from "ioredis";
import { bindScript } from "./lua.js";

// One hash per bucket: tokens and the time (Redis' own clock, so skewed
// instances share one bucket) they were counted at. Refilled lazily on each
// take; the key expires once a full refill has passed (a full bucket is the
// same as no key). Fractional tokens are kept, so a steady caller gets
// exactly `rate` a second. Returns 0 when a token was taken, else the ms
// until one will be there (-1: never, rate 0).
const takeLua = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then
  tokens = burst
  at = now
end
if rate > 0 then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif rate > 0 then
  wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate))
else
  wait = -1
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", tostring(now))
local ttl = 60000
if rate > 0 then ttl = math.ceil(burst * 1000 / rate) + 1000 end
redis.call("PEXPIRE", KEYS[1], ttl)
return wait`;

/**
 * A cluster-wide token bucket for governance's `rateLimit` policies with
 * `shared: true`: one atomic Lua script per call under `prefix + key`.
 * Set it on the app: `app.set(tokenBucketStoreKey, createRedisTokenBucketStore(redis))`.
 */
export function createRedisTokenBucketStore(client: Redis, prefix = "wego:bucket:"): TokenBucketStore {
  const script = bindScript(client, "wegoTokenBucket", 1, takeLua);
  return {
    async take(key, rate, burst) {
      const wait = Number(await script(prefix + key, rate, burst));
      return wait < 0 ? Number.POSITIVE_INFINITY : wait;
    },
  };
}
