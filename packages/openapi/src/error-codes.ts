import type { Code } from "@wego/core";
import { type HandlerInfo, httpStatusByCode } from "@wego/core/transport";

/** Why a route may answer each code, for the docs. */
const why: Record<string, string> = {
  invalid_argument: "the input is malformed or fails its schema (field issues in `details`)",
  unauthenticated: "the bearer token is missing or invalid (jwt filter)",
  resource_exhausted: "refused by a rate limit or bulkhead (`Retry-After` says when to retry)",
  deadline_exceeded: "the call's deadline passed (the route's timeout, or the caller's `x-request-timeout`)",
  unavailable: "the server is draining, or a circuit breaker is open",
  internal: "an unexpected fault (the message is hidden in production)",
};

/** The filters (HandlerInfo.filters) that add a code. */
const byFilter: Record<string, Code> = {
  jwt: "unauthenticated",
  rateLimit: "resource_exhausted",
  bulkhead: "resource_exhausted",
  timeout: "deadline_exceeded",
  circuitBreaker: "unavailable",
};

/**
 * The error codes a route may answer with: those every route can (a bad
 * input, the caller's deadline, a draining server, a fault), those its
 * typed handler's named filters add, and `unauthenticated` where `jwt`
 * says the route needs a token.
 */
export function errorCodesOf(info: HandlerInfo | undefined, jwt: boolean): Code[] {
  const codes = new Set<Code>(["invalid_argument", "deadline_exceeded", "unavailable", "internal"]);
  for (const f of info?.filters ?? []) {
    const c = byFilter[f];
    if (c !== undefined) codes.add(c);
  }
  if (jwt) codes.add("unauthenticated");
  return [...codes].sort((a, b) => httpStatusByCode[a] - httpStatusByCode[b]);
}

/** What an error code means on a route, for a response's description. */
export function codeReason(code: Code): string {
  return `${code}: ${why[code] ?? code.replaceAll("_", " ")}`;
}
