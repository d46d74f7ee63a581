import { createContextKey } from "@wego/core";

/**
 * The connection a message came on, as a handler sees it:
 * `ctx.get(wsPeerKey)` in any handler called by the WebSocket router.
 */
export interface WsPeer {
  /** Unique across instances: `router.sendTo(id, …)` reaches it from anywhere. */
  readonly id: string;
  /** From upgrade authentication; `router.sendToUser(userId, …)` reaches it. */
  readonly userId: string | undefined;
  /** From upgrade authentication (JWT claims, or what the auth function returned). */
  readonly claims: unknown;
  readonly remoteAddress: string | undefined;
  /** Rooms this connection is in. */
  readonly rooms: ReadonlySet<string>;
  /** Push a message to this connection (a string is sent as is, anything else as JSON). */
  send(message: unknown): void;
  join(room: string): void;
  leave(room: string): void;
  /** Close this connection (default 1000). */
  close(code?: number, reason?: string): void;
}

/** The peer of the current message: `ctx.get(wsPeerKey)?.userId`. Undefined outside the WebSocket router. */
export const wsPeerKey = createContextKey<WsPeer>("wego.ws.peer");
