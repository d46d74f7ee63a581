/**
 * @module @wego/core — what an app author uses: the app, typed handlers,
 * services and filters, the context, errors, envelopes, config, logging, ids
 * and the cache. Transport and adapter authors import `@wego/core/transport`;
 * tests import `@wego/core/testing`.
 */

// The app and its parts
export { type App, type AppOptions, createApp, type Readiness } from "./app.js";
export type { AppView } from "./app-view.js";
// Config, logging, ids, cache, and the ports adapters (e.g. @wego/redis) fill
export { type Cache, createCache } from "./cache/cache.js";
export { Config, type ConfigListener, type DynamicConfigSource } from "./config.js";
export type { Context, Meta } from "./context.js";
export { type ContextKey, createContextKey } from "./context-key.js";
export { defaultEnvelope, type Envelope, legacyEnvelope, publicMessage } from "./envelope.js";
// Errors and what callers see
export { Code, isCode } from "./errors/code.js";
export { WegoError, type WegoErrorOptions } from "./errors/wego-error.js";
export { type Endpoint, type Filter, filters } from "./filter.js";
// The built-in filters' options and helpers
export type { AccessLogOptions } from "./filters/access-log.js";
export type { BulkheadOptions } from "./filters/bulkhead.js";
export { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from "./filters/circuit-breaker.js";
export { bearerToken, createJwtVerifier, type JWTPayload, type JwtOptions, jwtClaimsKey } from "./filters/jwt.js";
export { createMemoryLimiterStore } from "./filters/memory-limiter-store.js";
export type { MetricsOptions } from "./filters/metrics.js";
export type { RateLimitOptions } from "./filters/rate-limit.js";
export type { TracingOptions } from "./filters/tracing.js";
export { type ValidateOptions, validatedKey } from "./filters/validate.js";
// Governance from config: markers and policies (GOVERNANCE.md)
export { type Governance, governanceOf, type OutgoingCall } from "./governance/governance.js";
export type { MarkerSpec, MatchCondition } from "./governance/marker.js";
export type { BulkheadSpec, CircuitBreakerSpec, FaultSpec, RateLimitSpec, RetrySpec, TimeoutSpec } from "./governance/policies.js";
export { TokenBucket, type TokenBucketStore, tokenBucketStoreKey } from "./governance/token-bucket.js";
// Handlers: typed values, or the seed's services behind filters
export { defineHandler, type Handler, type InputOf, type OutputOf } from "./handler.js";
export { createSnowflake, type Snowflake } from "./id/snowflake.js";
export { createLogger, type Logger } from "./logger.js";
export type { CacheStore, DistributedLock, LimiterStore, PubSub, Registry, ServiceInstance, WorkerIdLease } from "./ports.js";
export { createDnsRegistry, type DnsRegistryOptions } from "./registry/dns-registry.js";
export { createRegistration, type Registration, type RegistrationOptions } from "./registry/registration.js";
export {
  createServiceBalancer,
  parseRouteRules,
  type RouteRule,
  type ServiceBalancer,
  type ServiceBalancerOptions,
  type Target,
} from "./registry/service-balancer.js";
export { createStaticRegistry } from "./registry/static-registry.js";
export {
  type Candidate,
  type PickRequest,
  type Strategy,
  type StrategyName,
  strategies,
} from "./registry/strategies.js";
export type { Provider, RouteInfo, Router, StopOptions } from "./router.js";
export { type Next, type Service, services } from "./service.js";
