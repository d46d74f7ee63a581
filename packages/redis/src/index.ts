/**
 * @module @wego/redis — the shared Redis connection (ioredis) and the
 * distributed primitives wego's ports plug into: lock, pub/sub, cache tier,
 * limiter store, shared token bucket and snowflake worker-id lease.
 */
export { type RedisReason, redisCatalogue } from "./errors.js";
export { createRedisCacheStore } from "./redis-cache-store.js";
export { createRedisLimiterStore, type RedisLimiterStoreOptions } from "./redis-limiter-store.js";
export { createRedisLock, type RedisLockOptions } from "./redis-lock.js";
export {
  createRedisClient,
  duplicateRedis,
  type RedisProviderOptions,
  redis,
  redisKey,
  redisProvider,
  resolveRedisOptions,
} from "./redis-provider.js";
export { createRedisPubSub, type RedisPubSub, type RedisPubSubOptions } from "./redis-pubsub.js";
export { createRedisTokenBucketStore } from "./redis-token-bucket-store.js";
export { createRedisWorkerIdLease, type RedisWorkerIdLease, type RedisWorkerIdLeaseOptions } from "./redis-worker-id-lease.js";
