import { defineErrors } from "@wego/core/transport";

/**
 * The errors @wego/ws raises, each documented in docs/errors.md (package
 * `ws`): `wsError(reason, ...args)` fills the `%s` of the message in order;
 * `wsError.with({ details })(reason, ...args)` adds options. Frame and
 * upgrade reasons reach clients (in an error frame, an upgrade refusal or an
 * answer of the own port); the others are misuse, raised at start.
 */
export const wsError = defineErrors({
  WEGO_ERR_WS_FRAME_INVALID: { code: "invalid_argument", message: "invalid frame: %s" },
  WEGO_ERR_WS_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no route "%s"' },
  WEGO_ERR_WS_PUSH_INVALID: { code: "invalid_argument", message: "a push message must be a string or JSON-serialisable, got %s" },
  WEGO_ERR_WS_UNAUTHENTICATED: { code: "unauthenticated", message: "%s" },
  WEGO_ERR_WS_ORIGIN_FORBIDDEN: { code: "permission_denied", message: 'origin "%s" is not allowed' },
  WEGO_ERR_WS_NOT_ACCEPTING: { code: "unavailable", message: "the WebSocket router is not accepting connections" },
  WEGO_ERR_WS_HANDSHAKE_INVALID: { code: "invalid_argument", message: "invalid WebSocket handshake: %s" },
  WEGO_ERR_WS_UPGRADE_REQUIRED: { code: "failed_precondition", message: "%s is a WebSocket endpoint: upgrade required" },
  WEGO_ERR_WS_PATH_UNKNOWN: { code: "not_found", message: "no WebSocket endpoint or probe at %s" },
  WEGO_ERR_WS_NOT_READY: { code: "unavailable", message: "not ready" },
  WEGO_ERR_WS_BAD_REQUEST: { code: "invalid_argument", message: "the HTTP request cannot be read: %s" },
  WEGO_ERR_WS_ATTACH: { code: "failed_precondition", message: "cannot attach to the HTTP router: %s" },
  WEGO_ERR_WS_OPTION: { code: "invalid_argument", message: "ws option %s" },
});

/** A reason of {@link wsError}. */
export type WsReason = keyof typeof wsError.table;
