/**
 * @module @wego/ws — the WebSocket router on `ws`: JSON frames
 * `{ id, route, data }` to handlers and correlated envelope replies, auth and
 * origin checks at upgrade, flow control, heartbeats, and push to a
 * connection, a user, a room or everyone, across instances through a PubSub.
 */
export { CloseCode, wsCodes } from "./code-map.js";
export { type WsReason, wsError } from "./errors.js";
export type { FrameId, RequestFrame } from "./frame.js";
export { createMemoryPubSub, type MemoryPubSubOptions } from "./memory-pub-sub.js";
export type { OriginPolicy } from "./origin.js";
export type { WsAuth, WsAuthFn, WsIdentity } from "./upgrade-auth.js";
export { type WsPeer, wsPeerKey } from "./ws-peer.js";
export { type AttachTarget, createWsRouter, type WsRouter, type WsRouterOptions } from "./ws-router.js";
