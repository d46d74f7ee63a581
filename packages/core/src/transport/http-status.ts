import type { Code } from "../errors/code.js";

/**
 * The HTTP status of each wego code: the HTTP column of docs/errors.md, for
 * every transport that answers over HTTP (the HTTP router, the WebSocket
 * router's upgrade refusals and probes). A transport refines it by reason
 * in its own code map (`defineCodeMap({ byCode: httpStatusByCode, byReason })`).
 */
export const httpStatusByCode: Readonly<Record<Code, number>> = Object.freeze({
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
});
