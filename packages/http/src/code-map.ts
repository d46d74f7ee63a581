import type { Code, WegoError } from "@wego/core";

/**
 * HTTP status for each wego code. `unimplemented` is 501 for a handler that
 * says so; an unknown route is 404 and a wrong method 405 (see
 * {@link reasonStatus}). docs/errors.md carries the same table.
 */
export const httpStatusOf: Readonly<Record<Code, number>> = {
  cancelled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

/** Reasons whose status is more precise than their code's. */
export const reasonStatus: Readonly<Record<string, number>> = {
  WEGO_ERR_HTTP_ROUTE_UNKNOWN: 404,
  WEGO_ERR_HTTP_METHOD_NOT_ALLOWED: 405,
  WEGO_ERR_HTTP_REQUEST_TIMEOUT: 408,
  WEGO_ERR_HTTP_BODY_TOO_LARGE: 413,
  WEGO_ERR_HTTP_MEDIA_TYPE: 415,
  WEGO_ERR_HTTP_HEADERS_TOO_LARGE: 431,
};

/** The HTTP status a WegoError is answered with. */
export function statusOf(err: WegoError): number {
  if (err.reason !== undefined) {
    const s = reasonStatus[err.reason];
    if (s !== undefined) return s;
  }
  return httpStatusOf[err.code] ?? 500;
}

/**
 * The wego code for an HTTP status from a server that sent no wego envelope
 * (the client's reverse mapping). 2xx and 3xx have no code.
 */
export function codeOfStatus(status: number): Code | undefined {
  if (status < 400) return undefined;
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
    case 431:
      return "invalid_argument";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission_denied";
    case 404:
      return "not_found";
    case 405:
    case 501:
      return "unimplemented";
    case 408:
    case 504:
      return "deadline_exceeded";
    case 409:
      return "aborted";
    case 412:
      return "failed_precondition";
    case 429:
      return "resource_exhausted";
    case 499:
      return "cancelled";
    case 502:
    case 503:
      return "unavailable";
    default:
      return status < 500 ? "invalid_argument" : "internal";
  }
}
