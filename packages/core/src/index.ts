/**
 * @module @wego/core — what an app author uses: the app, typed handlers,
 * services and filters, the context, errors, envelopes, config (live),
 * governance from config, the service registry and balancing strategies,
 * logging, ids and the cache; exports sorted by module. Transport and adapter
 * authors import `@wego/core/transport`; tests import `@wego/core/testing`.
 */
export { type App, type AppOptions, createApp, type Readiness } from "./app.js";
export type { AppView } from "./app-view.js";
export { type Cache, createCache } from "./cache/cache.js";
export { Config, type ConfigListener, type DynamicConfigSource } from "./config.js";
export type { Context, Meta } from "./context.js";
export { type ContextKey, createContextKey } from "./context-key.js";
export { defaultEnvelope, type Envelope, legacyEnvelope, publicMessage } from "./envelope.js";
export { Code, isCode } from "./errors/code.js";
export { WegoError, type WegoErrorOptions } from "./errors/wego-error.js";
export { type Endpoint, type Filter, filters } from "./filter.js";
export type { AccessLogOptions } from "./filters/access-log.js";
export type { BulkheadOptions } from "./filters/bulkhead.js";
export { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from "./filters/circuit-breaker.js";
export { bearerToken, createJwtVerifier, type JWTPayload, type JwtOptions, jwtClaimsKey } from "./filters/jwt.js";
export { createMemoryLimiterStore } from "./filters/memory-limiter-store.js";
export type { MetricsOptions } from "./filters/metrics.js";
export type { RateLimitOptions } from "./filters/rate-limit.js";
export type { TracingOptions } from "./filters/tracing.js";
export { type ValidateOptions, validatedKey } from "./filters/validate.js";
export { type Governance, governanceOf, type OutgoingCall } from "./governance/governance.js";
export type { MarkerSpec, MatchCondition } from "./governance/marker.js";
export type { BulkheadSpec, CircuitBreakerSpec, FaultSpec, RateLimitSpec, RetrySpec, TimeoutSpec } from "./governance/policies.js";
export { type TokenBucketStore, tokenBucketStoreKey } from "./governance/token-bucket.js";
export { defineHandler, type Handler, type InputOf, type OutputOf } from "./handler.js";
export { createSnowflake, type Snowflake } from "./id/snowflake.js";
export { createLogger, type Logger } from "./logger.js";
export type { CacheStore, DistributedLock, LimiterStore, PubSub, Registry, ServiceInstance, WorkerIdLease } from "./ports.js";
export { createDnsRegistry, type DnsRegistryOptions } from "./registry/dns-registry.js";
export { createRegistration, type Registration, type RegistrationOptions } from "./registry/registration.js";
export type { RouteRule } from "./registry/service-balancer.js";
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
