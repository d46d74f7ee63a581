import type { Code } from "@wego/core";

/**
 * WebSocket close codes (RFC 6455 §7.4.1) as @wego/ws uses them. An
 * application error never closes a connection: it is answered with an error
 * frame. Only protocol abuse and shutdown close.
 */
export const CloseCode = {
  /** `router.close(id)` without a code, or the client said goodbye. */
  Normal: 1000,
  /** The server is stopping (graceful stop). */
  GoingAway: 1001,
  /** A binary frame: the protocol is JSON text. */
  UnsupportedData: 1003,
  /** A text frame that is not valid UTF-8 (raised by ws). */
  InvalidPayload: 1007,
  /** Too many invalid frames, or a consumer too slow to read what it is sent. */
  PolicyViolation: 1008,
  /** A frame over `maxPayload` (raised by ws). */
  MessageTooBig: 1009,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The HTTP status of a refused upgrade (auth, origin, shutdown), answered
 * before the connection becomes a WebSocket. Codes not listed are 500.
 */
const upgradeStatus: Partial<Record<Code, number>> = {
  unauthenticated: 401,
  permission_denied: 403,
  invalid_argument: 400,
  failed_precondition: 400,
  not_found: 404,
  resource_exhausted: 429,
  unavailable: 503,
  deadline_exceeded: 504,
};

export function upgradeStatusOf(code: Code): number {
  return upgradeStatus[code] ?? 500;
}
