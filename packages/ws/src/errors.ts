import { type Code, catalogueError, type WegoError } from "@wego/core";

/**
 * The reasons @wego/ws raises, each documented in docs/errors.md (package
 * `ws`). Frame and upgrade reasons reach clients (in an error frame or an
 * upgrade refusal body); the others are misuse, raised at start.
 */
export const wsCatalogue = {
  WEGO_ERR_WS_FRAME_INVALID: { code: "invalid_argument", message: "invalid frame: %s" },
  WEGO_ERR_WS_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no route "%s"' },
  WEGO_ERR_WS_ROUTE_DUPLICATE: { code: "already_exists", message: 'route "%s" is already registered' },
  WEGO_ERR_WS_PUSH_INVALID: { code: "invalid_argument", message: "a push message must be a string or JSON-serialisable, got %s" },
  WEGO_ERR_WS_UNAUTHENTICATED: { code: "unauthenticated", message: "%s" },
  WEGO_ERR_WS_ORIGIN_FORBIDDEN: { code: "permission_denied", message: 'origin "%s" is not allowed' },
  WEGO_ERR_WS_NOT_ACCEPTING: { code: "unavailable", message: "the WebSocket router is not accepting connections" },
  WEGO_ERR_WS_ATTACH: { code: "failed_precondition", message: "cannot attach to the HTTP router: %s" },
  WEGO_ERR_WS_OPTION: { code: "invalid_argument", message: "ws option %s" },
} as const satisfies Record<string, { code: Code; message: string }>;

export type WsReason = keyof typeof wsCatalogue;

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export function wsError(reason: WsReason, ...args: unknown[]): WegoError {
  return catalogueError(wsCatalogue, reason, args);
}
