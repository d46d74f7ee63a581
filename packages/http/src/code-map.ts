import type { Code } from "@wego/core";
import { type CodeMap, defineCodeMap, httpStatusByCode } from "@wego/core/transport";

/**
 * Reasons whose status is more precise than their code's (core's
 * `httpStatusByCode`, the HTTP column of docs/errors.md: `unimplemented` is 501
 * for a handler that says so, an unknown route 404 and a wrong method 405).
 */
const byReason: Readonly<Record<string, number>> = {
  WEGO_ERR_HTTP_ROUTE_UNKNOWN: 404,
  WEGO_ERR_HTTP_METHOD_NOT_ALLOWED: 405,
  WEGO_ERR_HTTP_REQUEST_TIMEOUT: 408,
  WEGO_ERR_HTTP_BODY_TOO_LARGE: 413,
  WEGO_ERR_INPUT_TOO_LARGE: 413,
  WEGO_ERR_HTTP_MEDIA_TYPE: 415,
  WEGO_ERR_HTTP_HEADERS_TOO_LARGE: 431,
};

/**
 * The code for a status from a server that sent no wego envelope: every
 * 4xx not named reads as `invalid_argument`, every 5xx as `internal`.
 */
const fromWire = new Map<number, Code>();
for (let s = 400; s < 600; s++) fromWire.set(s, s < 500 ? "invalid_argument" : "internal");
for (const [statuses, code] of [
  [[400, 413, 415, 422, 431], "invalid_argument"],
  [[401], "unauthenticated"],
  [[403], "permission_denied"],
  [[404], "not_found"],
  [[405, 501], "unimplemented"],
  [[408, 504], "deadline_exceeded"],
  [[409], "aborted"],
  [[412], "failed_precondition"],
  [[429], "resource_exhausted"],
  [[499], "cancelled"],
  [[502, 503], "unavailable"],
] as const)
  for (const s of statuses) fromWire.set(s, code);

/**
 * HTTP's wire for wego's codes: `toWire(err)` is the status an error is
 * answered with (its reason may refine its code's), `fromWire(status)` the
 * code a client reads from a status without an envelope.
 *
 * @example
 * httpCodes.toWire(err);     // 404 for a not_found error, 413 for WEGO_ERR_HTTP_BODY_TOO_LARGE
 * httpCodes.fromWire(503);   // "unavailable"
 */
export const httpCodes: CodeMap<number> = defineCodeMap<number>({ byCode: httpStatusByCode, byReason, fromWire, fallback: "internal" });

/** @internal For http-client.ts: the code of an error status, none below 400. */
export function codeOfStatus(status: number): Code | undefined {
  return status < 400 ? undefined : httpCodes.fromWire(status);
}
