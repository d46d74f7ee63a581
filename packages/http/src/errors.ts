import type { Code, WegoError, WegoErrorOptions } from "@wego/core";
import { defineErrors } from "@wego/core/transport";

/**
 * The errors @wego/http raises itself: requests it refuses before any
 * handler runs, and misuse of its API. Each has a stable reason
 * `WEGO_ERR_HTTP_<WHAT>` a client can switch on; docs/errors.md lists them
 * (package column `http`) and a test keeps the two lists equal. Duplicate and
 * late routes are core's (`WEGO_ERR_ROUTE_DUPLICATE`, `WEGO_ERR_ROUTE_LATE`),
 * and so is a body that is not JSON or breaks the input limits
 * (`WEGO_ERR_INPUT_*`), as on every transport.
 */
export const httpCatalogue = {
  WEGO_ERR_HTTP_ROUTE_UNKNOWN: { code: "unimplemented", message: "no route for %s %s" },
  WEGO_ERR_HTTP_METHOD_NOT_ALLOWED: { code: "unimplemented", message: "method %s is not allowed on %s (allowed: %s)" },
  WEGO_ERR_HTTP_BAD_URL: { code: "invalid_argument", message: "the request URL cannot be decoded" },
  WEGO_ERR_HTTP_BAD_REQUEST: { code: "invalid_argument", message: "malformed HTTP request (%s)" },
  WEGO_ERR_HTTP_HOST_MISSING: { code: "invalid_argument", message: "an HTTP/1.1 request must carry a Host header" },
  WEGO_ERR_HTTP_HEADERS_TOO_LARGE: { code: "invalid_argument", message: "request headers are larger than the server accepts" },
  WEGO_ERR_HTTP_REQUEST_TIMEOUT: { code: "deadline_exceeded", message: "the request was not received in time" },
  WEGO_ERR_HTTP_BODY_TOO_LARGE: { code: "invalid_argument", message: "request body is larger than %s bytes" },
  WEGO_ERR_HTTP_MEDIA_TYPE: { code: "invalid_argument", message: 'content type "%s" is not supported (use %s)' },
  WEGO_ERR_HTTP_CORS_ORIGIN: { code: "permission_denied", message: 'origin "%s" is not allowed' },
  WEGO_ERR_HTTP_NOT_READY: { code: "unavailable", message: "not ready" },
  WEGO_ERR_HTTP_CONFIG: { code: "invalid_argument", message: "http option %s %s" },
  WEGO_ERR_HTTP_CLIENT_UNREACHABLE: { code: "unavailable", message: "%s %s: no answer from %s" },
  WEGO_ERR_HTTP_CLIENT_TIMEOUT: { code: "deadline_exceeded", message: "%s %s timed out after %s ms" },
} as const satisfies Record<string, { code: Code; message: string }>;

/** A reason @wego/http raises. */
export type HttpReason = keyof typeof httpCatalogue;

/**
 * Build the catalogued error `reason`, filling `%s` in order with `args`;
 * `httpError.with({ details, cause })(reason, ...args)` adds options.
 */
export const httpError = defineErrors(httpCatalogue);

/**
 * @internal The previous call shape, `(reason, [args], options)`, kept for
 * http-client.ts alone until it moves to {@link httpError} (its file is being
 * changed by another hand; only its import was pointed here).
 */
export function httpErrorOf(reason: HttpReason, args: readonly unknown[] = [], options: Omit<WegoErrorOptions, "reason"> = {}): WegoError {
  return httpError.with(options)(reason, ...args);
}
