import type { Code } from "@wego/core";
import { defineCodeMap, httpStatusByCode } from "@wego/core/transport";

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
 * The HTTP status of what @wego/ws answers over HTTP rather than in frames:
 * refused upgrades (auth, origin, handshake, shutdown), and the own port's
 * answers to plain requests (probes, 404, 426). The statuses are the HTTP
 * column of docs/errors.md, plus 426 Upgrade Required for a plain request to
 * the upgrade path. Error codes travel as they are in error frames.
 *
 * @example
 * wsCodes.toWire(err); // 403 for permission_denied
 * wsCodes.fromWire(426); // "failed_precondition"
 */
export const wsCodes = defineCodeMap<number>({
  byCode: httpStatusByCode,
  byReason: { WEGO_ERR_WS_UPGRADE_REQUIRED: 426 },
  fromWire: new Map<number, Code>([
    [426, "failed_precondition"],
    [400, "invalid_argument"],
    [409, "already_exists"],
    [500, "internal"],
  ]),
  fallback: "unknown",
});
