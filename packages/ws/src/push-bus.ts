import type { PubSub } from "@wego/core";
import type { HubMember, PushHub } from "./push-hub.js";

/**
 * What a push addresses: one connection, a user's connections, a room, every
 * connection; `join`/`leave` put a connection (by id) in a room or take it out.
 */
export type PushKind = "connection" | "user" | "room" | "all" | "join" | "leave";

const toChar: Record<PushKind, string> = { connection: "c", user: "u", room: "r", all: "a", join: "j", leave: "l" };
const fromChar: Record<string, PushKind> = { c: "connection", u: "user", r: "room", a: "all", j: "join", l: "leave" };

/** How pushes reach connections: directly in one process, or through a {@link PubSub} to every instance. */
export interface PushBus {
  /** `payload` is the encoded frame, or the room for `join`/`leave`. */
  send(kind: PushKind, key: string, payload: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Hand a push to the local connections it addresses. A push to many is
 * UTF-8 encoded once and the same bytes go to every socket.
 */
export function deliver<M extends HubMember>(hub: PushHub<M>, kind: PushKind, key: string, payload: string): void {
  switch (kind) {
    case "connection":
      hub.toConnection(key, payload);
      break;
    case "user":
      hub.toUser(key, Buffer.from(payload));
      break;
    case "room":
      hub.toRoom(key, Buffer.from(payload));
      break;
    case "all":
      hub.toAll(Buffer.from(payload));
      break;
    case "join":
    case "leave": {
      const m = hub.get(key);
      if (m === undefined) break;
      if (kind === "join") hub.join(m, payload);
      else hub.leave(m, payload);
    }
  }
}

/**
 * One bus message: kind letter, key length, `:`, key, payload. Length-prefixed
 * so keys may hold any character and the payload is never re-escaped.
 */
export function encodePush(kind: PushKind, key: string, payload: string): string {
  return `${toChar[kind]}${key.length}:${key}${payload}`;
}

export function decodePush(message: string): { kind: PushKind; key: string; payload: string } | undefined {
  const kind = fromChar[message.charAt(0)];
  const colon = message.indexOf(":", 1);
  if (kind === undefined || colon < 0) return undefined;
  const len = Number(message.slice(1, colon));
  const end = colon + 1 + len;
  if (!Number.isInteger(len) || len < 0 || end > message.length) return undefined;
  return { kind, key: message.slice(colon + 1, end), payload: message.slice(end) };
}

/** No broker: pushes reach this instance's connections only, synchronously. */
export function localBus<M extends HubMember>(hub: PushHub<M>): PushBus {
  return {
    async send(kind, key, payload) {
      deliver(hub, kind, key, payload);
    },
    async start() {},
    async stop() {},
  };
}

/**
 * Every push is published on `channel`; every instance (this one included)
 * subscribes and delivers to its own connections, so a push reaches a
 * connection wherever it is connected.
 */
export function pubSubBus<M extends HubMember>(
  hub: PushHub<M>,
  pubsub: PubSub,
  channel: string,
  onBadMessage: (message: string) => void,
): PushBus {
  let unsubscribe: (() => Promise<void>) | undefined;
  return {
    send(kind, key, payload) {
      // A connection of this instance needs no round trip through the broker.
      if ((kind === "connection" || kind === "join" || kind === "leave") && hub.get(key) !== undefined) {
        deliver(hub, kind, key, payload);
        return Promise.resolve();
      }
      return pubsub.publish(channel, encodePush(kind, key, payload));
    },
    async start() {
      unsubscribe = await pubsub.subscribe(channel, (message) => {
        const push = decodePush(message);
        if (push === undefined) onBadMessage(message);
        else deliver(hub, push.kind, push.key, push.payload);
      });
    },
    async stop() {
      const u = unsubscribe;
      unsubscribe = undefined;
      await u?.();
    },
  };
}
