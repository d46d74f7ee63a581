/**
 * @module @wego/core — the kernel: app, context, services, filters, errors,
 * envelope, config, logging. Transports live in their own packages.
 */
export {
  type App,
  type AppOptions,
  type AppState,
  type Check,
  createApp,
  type Readiness,
  type Reply,
  type ResolvedHandler,
  type StartOptions,
  targetName,
} from "./app.js";
export { appOf } from "./app-context.js";
export type { AppView } from "./app-view.js";
export { type Cache, type CacheOptions, createCache } from "./cache/cache.js";
export { Config, type ConfigOptions, type ConfigSource, envNameOf } from "./config.js";
export { Context, type ContextHost, type InvocationInit, type Meta } from "./context.js";
export { type ContextKey, createContextKey } from "./context-key.js";
export { defaultEnvelope, type Envelope, type EnvelopeInfo, legacyEnvelope, publicMessage } from "./envelope.js";
export { type Catalogue, type CatalogueReason, catalogue, catalogueError, frameworkError } from "./errors/catalogue.js";
export { Code, codeFromGrpcStatus, grpcStatusOf, isBadInput, isCode, isExposable } from "./errors/code.js";
export { WegoError, type WegoErrorOptions } from "./errors/wego-error.js";
export { type Endpoint, type Filter, filters } from "./filter.js";
export type { AccessLogOptions } from "./filters/access-log.js";
export type { BulkheadOptions } from "./filters/bulkhead.js";
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitStats,
  createCircuitBreaker,
} from "./filters/circuit-breaker.js";
export {
  bearerToken,
  createJwtVerifier,
  type JWTPayload,
  type JwtAlgorithm,
  type JwtOptions,
  type JwtVerifier,
  jwtClaimsKey,
} from "./filters/jwt.js";
export { createMemoryLimiterStore, type MemoryLimiterStore, type MemoryLimiterStoreOptions } from "./filters/memory-limiter-store.js";
export { durationBuckets, type MetricsOptions } from "./filters/metrics.js";
export type { RateLimitOptions } from "./filters/rate-limit.js";
export type { TracingOptions } from "./filters/tracing.js";
export { type FieldIssue, type ValidateOptions, validatedKey } from "./filters/validate.js";
export {
  defineHandler,
  type Handler,
  type HandlerDefinition,
  type HandlerExample,
  type HandlerInfo,
  type InputOf,
  type OutputOf,
  type SchemaInput,
  type SchemaOutput,
} from "./handler.js";
export { createSnowflake, DEFAULT_EPOCH, type Snowflake, type SnowflakeOptions, type SnowflakeParts } from "./id/snowflake.js";
export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export type { CacheStore, DistributedLock, LimiterStore, LockHandle, PubSub, WorkerIdLease } from "./ports.js";
export type { Provider, RouteInfo, Router, StopOptions } from "./router.js";
export { type Next, type Service, type ServiceFn, type ServiceObject, services } from "./service.js";
export { isSettled, settled, settledValue } from "./settled.js";
