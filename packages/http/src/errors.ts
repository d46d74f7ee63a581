import { type Code, catalogueError, type WegoError, type WegoErrorOptions } from "@wego/core";

/**
 * The errors @wego/http raises itself: bad requests it refuses before any
 * handler runs, and misuse of its API. Each has a stable reason
 * `WEGO_ERR_HTTP_<WHAT>` a client can switch on; docs/errors.md lists them
 * (package column `http`) and a test keeps the two lists equal.
 */
export const httpCatalogue = {
  WEGO_ERR_HTTP_ROUTE_UNKNOWN: { code: "unimplemented", message: "no route for %s %s" },
  WEGO_ERR_HTTP_METHOD_NOT_ALLOWED: { code: "unimplemented", message: "method %s is not allowed on %s (allowed: %s)" },
  WEGO_ERR_HTTP_BAD_URL: { code: "invalid_argument", message: "the request URL cannot be decoded" },
  WEGO_ERR_HTTP_BAD_REQUEST: { code: "invalid_argument", message: "malformed HTTP request (%s)" },
  WEGO_ERR_HTTP_HEADERS_TOO_LARGE: { code: "invalid_argument", message: "request headers are larger than the server accepts" },
  WEGO_ERR_HTTP_REQUEST_TIMEOUT: { code: "deadline_exceeded", message: "the request was not received in time" },
  WEGO_ERR_HTTP_BODY_TOO_LARGE: { code: "invalid_argument", message: "request body is larger than %s bytes" },
  WEGO_ERR_HTTP_MEDIA_TYPE: { code: "invalid_argument", message: 'content type "%s" is not supported (use %s)' },
  WEGO_ERR_HTTP_BODY_INVALID: { code: "invalid_argument", message: "request body is not valid %s: %s" },
  WEGO_ERR_HTTP_BODY_FORBIDDEN_KEY: {
    code: "invalid_argument",
    message: "request body contains a forbidden key (__proto__ or constructor.prototype)",
  },
  WEGO_ERR_HTTP_CORS_ORIGIN: { code: "permission_denied", message: 'origin "%s" is not allowed' },
  WEGO_ERR_HTTP_SHUTDOWN: { code: "unavailable", message: "the server is shutting down" },
  WEGO_ERR_HTTP_NOT_READY: { code: "unavailable", message: "not ready" },
  WEGO_ERR_HTTP_CONFIG: { code: "invalid_argument", message: "http option %s %s" },
  WEGO_ERR_HTTP_ROUTE_DUPLICATE: { code: "already_exists", message: "route %s %s is already registered" },
  WEGO_ERR_HTTP_CLIENT_UNREACHABLE: { code: "unavailable", message: "%s %s: no answer from %s" },
  WEGO_ERR_HTTP_CLIENT_TIMEOUT: { code: "deadline_exceeded", message: "%s %s timed out after %s ms" },
} as const satisfies Record<string, { code: Code; message: string }>;

export type HttpReason = keyof typeof httpCatalogue;

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export function httpError(reason: HttpReason, args: readonly unknown[] = [], options: Omit<WegoErrorOptions, "reason"> = {}): WegoError {
  return catalogueError(httpCatalogue, reason, args, options);
}
