/**
 * @module @wego/core/transport — the API for transport authors (apps never
 * import it): a route table, one dispatch from a decoded request to an
 * answer, input hygiene, the request-id rule, the drain, and the builders of
 * a package's errors and code map. A transport keeps only decoding, encoding
 * and its code map.
 */
export type { App, InvokeInit } from "../app.js";
export type { AppState, Check, StartOptions } from "../app-options.js";
export type { ContextHost } from "../context.js";
export { Context, type InvocationInit, type Meta } from "../context.js";
export { type Catalogue, type CatalogueReason, catalogueError, frameworkError } from "../errors/catalogue.js";
export { Code, codeFromGrpcStatus, grpcStatusOf, isBadInput, isExposable } from "../errors/code.js";
export { markLogged, wasLogged } from "../errors/logged.js";
export { TokenBucket } from "../governance/token-bucket.js";
export { type HandlerInfo, handlerInfo } from "../handler.js";
export { type ResolvedHandler, targetName } from "../handler-registry.js";
export type { LockHandle } from "../ports.js";
export {
  createServiceBalancer,
  parseRouteRules,
  type ServiceBalancer,
  type ServiceBalancerOptions,
  type Target,
} from "../registry/service-balancer.js";
export type { Provider, RouteInfo, Router, StopOptions } from "../router.js";
export { isSettled, settled, settledValue } from "../settled.js";
export {
  type Answer,
  createDispatcher,
  type Dispatcher,
  type DispatcherOptions,
  type DispatchTarget,
  type Invocation,
  type RefusalLevel,
} from "./dispatcher.js";
export { type CodeMap, type CodeMapOptions, defineCodeMap, defineErrors, type ErrorFactory } from "./errors.js";
export { httpStatusByCode } from "./http-status.js";
export { defaultInputLimits, type InputLimits, inspectInput, parseJson } from "./input.js";
export { isValidRequestId, MAX_REQUEST_ID_LENGTH } from "./request-id.js";
export { createRouteTable, type RouteEntry, type RouteTable, type RouteTarget } from "./route-table.js";
export { type Alarm, createAlarm, dispatchRun, type RunCounters, type RunNowOptions, type RunOutcome, runOutcome } from "./scheduling.js";
export { createTlsSource, type PemSource, type TlsMaterial, type TlsOptions, type TlsSource, tlsFromConfig } from "./tls.js";
