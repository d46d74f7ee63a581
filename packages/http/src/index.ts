/**
 * @module @wego/http — wego's HTTP router on node:http (find-my-way radix
 * routing, envelope, status mapping, health/readiness/metrics, graceful stop)
 * and an HTTP client on undici (pooling, retries, balancing, circuit breaker).
 */
export { httpCodes } from "./code-map.js";
export type { CorsOptions } from "./cors.js";
export { type HttpReason, httpCatalogue, httpError } from "./errors.js";
export { HttpBody, httpBody } from "./http-body.js";
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  retryAfterMs,
} from "./http-client.js";
export { createHttpRouter, type HttpRouter, type RouteTarget } from "./http-router.js";
export type { HttpRouterOptions } from "./options.js";
export { HTTP_METHODS, type HttpMethod } from "./route-spec.js";
