import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  type App,
  type Context,
  type Endpoint,
  type JWTPayload,
  jwtClaimsKey,
  type Meta,
  type ResolvedHandler,
  WegoError,
} from "@wego/core";
import type { RawData, WebSocket } from "ws";
import { CloseCode } from "./code-map.js";
import { wsError } from "./errors.js";
import { encodeId, encodeMessage, encodeOk, encodeReply, type FrameId, InvalidFrame, parseFrame, type RequestFrame } from "./frame.js";
import type { HubMember, Payload, PushHub } from "./push-hub.js";
import type { WsIdentity } from "./upgrade-auth.js";
import { type WsPeer, wsPeerKey } from "./ws-peer.js";

/** What connections share: set up once by the router at start. */
export interface ConnectionHost {
  readonly app: App;
  readonly routes: ReadonlyMap<string, ResolvedHandler>;
  readonly hub: PushHub<WsConnection>;
  readonly maxInFlight: number;
  readonly maxInvalidFrames: number;
  readonly sendHighWater: number;
  readonly sendLimit: number;
  /** Identities are verified JWTs: their claims also go under core's `jwtClaimsKey`. */
  readonly jwtClaims: boolean;
  /** Invocations in flight on every connection of the router. */
  inflight: number;
  /** Called when `inflight` drops to 0 (the router's stop waits on it). */
  onIdle: (() => void) | undefined;
  /** Called after a connection closed and left the hub. */
  onClosed: (() => void) | undefined;
}

const OPEN = 1;
/** Send options for a text frame (bytes would go as binary otherwise); shared, ws copies them. */
const textFrame = { binary: false };

/**
 * One WebSocket connection: decodes frames, runs their handlers (several at
 * a time, up to `maxInFlight`), answers each with its correlation id, and
 * applies flow control. Reading pauses while the connection is at its
 * in-flight limit or its send buffer is over the high-water mark; frames
 * already read then wait in a queue (bounded by one socket read, since the
 * socket itself is paused).
 */
export class WsConnection implements WsPeer, HubMember {
  readonly id: string;
  readonly userId: string | undefined;
  readonly claims: unknown;
  readonly remoteAddress: string | undefined;
  readonly rooms = new Set<string>();
  /** Heartbeat: set by a pong or any message, cleared by each ping. */
  alive = true;

  readonly #host: ConnectionHost;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #meta: Meta;
  // In-flight contexts in reusable slots (a Set would hash every new context):
  // a reply frees its slot, a close aborts what the slots still hold.
  readonly #slots: Array<Context | undefined> = [];
  readonly #free: number[] = [];
  #inflight = 0;
  #queue: RequestFrame[] | undefined;
  #readPaused = false;
  #flowing = false;
  #backpressured = false;
  #invalid = 0;
  #closed = false;
  /** What every handler on this connection finds on its context: the peer, and verified JWT claims. */
  readonly #values = new Map<unknown, unknown>();
  #expiry: NodeJS.Timeout | undefined;

  constructor(host: ConnectionHost, ws: WebSocket, socket: Duplex, req: IncomingMessage, id: string, identity: WsIdentity | undefined) {
    this.#host = host;
    this.#ws = ws;
    this.#socket = socket;
    this.#meta = req.headers;
    this.id = id;
    this.userId = identity?.userId;
    this.claims = identity?.claims;
    this.remoteAddress = req.socket.remoteAddress;
    this.#values.set(wsPeerKey.id, this);
    if (host.jwtClaims && identity?.claims !== undefined) this.#values.set(jwtClaimsKey.id, identity.claims as JWTPayload);
    const expiresAt = identity?.expiresAt;
    if (expiresAt !== undefined) {
      // setTimeout holds at most 2^31-1 ms (~24.8 days); a longer lease is re-armed when that passes.
      const arm = (): void => {
        const ms = expiresAt - Date.now();
        this.#expiry = ms <= 0 ? undefined : setTimeout(arm, Math.min(ms, 2 ** 31 - 1));
        this.#expiry?.unref();
        if (ms <= 0) this.close(CloseCode.PolicyViolation, "credentials expired");
      };
      arm();
    }
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("close", () => this.#onClose());
    ws.on("error", (err) => host.app.log.debug({ err, connection: id }, "ws connection error"));
  }

  /** Requests of this connection being handled now. */
  get inflight(): number {
    return this.#inflight;
  }

  send(message: unknown): void {
    this.push(encodeMessage(message));
  }

  push(payload: Payload): void {
    if (!this.#closed) this.#write(payload);
  }

  join(room: string): void {
    this.#host.hub.join(this, room);
  }

  leave(room: string): void {
    this.#host.hub.leave(this, room);
  }

  close(code: number = CloseCode.Normal, reason?: string): void {
    if (this.#ws.readyState <= OPEN) this.#ws.close(code, reason);
  }

  /** Ping, or drop the peer when it never answered the previous ping. */
  heartbeat(): void {
    if (!this.alive) {
      this.#host.app.log.debug({ connection: this.id }, "ws peer missed a heartbeat; dropped");
      this.#ws.terminate();
      return;
    }
    this.alive = false;
    if (this.#ws.readyState === OPEN) this.#ws.ping();
  }

  terminate(): void {
    this.#ws.terminate();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.close(CloseCode.UnsupportedData, "binary frames are not supported; send JSON text");
      return;
    }
    const frame = parseFrame((data as Buffer).toString());
    if (frame instanceof InvalidFrame) {
      this.#onInvalid(frame);
      return;
    }
    if (this.#queue !== undefined || this.#inflight >= this.#host.maxInFlight) {
      if (this.#queue === undefined) this.#queue = [frame];
      else this.#queue.push(frame);
      this.#flow();
      return;
    }
    this.#dispatch(frame);
    if (this.#inflight >= this.#host.maxInFlight) this.#flow();
  }

  #dispatch(frame: RequestFrame): void {
    const host = this.#host;
    const target = host.routes.get(frame.route);
    if (target === undefined) {
      this.#replyError(frame.id, frame, wsError("WEGO_ERR_WS_ROUTE_UNKNOWN", frame.route));
      return;
    }
    const ctx = host.app.context({
      transport: "ws",
      route: frame.route,
      handler: target.name,
      request: frame.data === undefined ? {} : frame.data,
      meta: this.#meta,
      id: frame.requestId,
      values: this.#values,
    });
    const slot = this.#free.length > 0 ? (this.#free.pop() as number) : this.#slots.length;
    this.#slots[slot] = ctx;
    this.#inflight++;
    host.inflight++;
    this.#run(target.endpoint, ctx, frame.id, slot);
  }

  // app.serve rather than app.run and a `.then`: the reply rides on the
  // reaction that ends in-flight tracking (one promise and hop fewer per
  // frame), and a handler that finished synchronously is answered at once.
  #run(endpoint: Endpoint, ctx: Context, id: FrameId | undefined, slot: number): void {
    this.#host.app.serve(endpoint, ctx, (result, err, failed) => {
      if (failed) this.#settle(slot, this.#errorReply(encodeId(id), err, ctx));
      else this.#ok(result, ctx, id, slot);
    });
  }

  #ok(result: unknown, ctx: Context, id: FrameId | undefined, slot: number): void {
    let text: string;
    const idJson = encodeId(id);
    try {
      text = encodeOk(this.#host.app.envelope, idJson, result, ctx);
    } catch (err) {
      text = this.#errorReply(idJson, err, ctx);
    }
    this.#settle(slot, text);
  }

  #settle(slot: number, text: string): void {
    this.#slots[slot] = undefined;
    this.#free.push(slot);
    this.#inflight--;
    if (!this.#closed) this.#write(text);
    const host = this.#host;
    if (--host.inflight === 0) host.onIdle?.();
    if (this.#readPaused) this.#flow();
  }

  #errorReply(idJson: string, err: unknown, ctx: Context): string {
    const app = this.#host.app;
    const e = WegoError.from(err);
    // A WegoError was raised on purpose or already normalised (and logged) by
    // the response filter; anything else escaped the handler's own care.
    if (!(err instanceof WegoError) && !e.exposable) ctx.log.error({ err }, "unhandled error in ws handler %s", ctx.handler);
    try {
      return encodeReply(idJson, app.envelope.error(e, ctx, !app.production));
    } catch (encodeErr) {
      ctx.log.error({ err: encodeErr }, "ws error reply of %s cannot be encoded", ctx.handler);
      const fallback = new WegoError("internal", "the reply cannot be encoded");
      return encodeReply(idJson, app.envelope.error(fallback, ctx, !app.production));
    }
  }

  #replyError(id: FrameId | undefined, frame: Partial<RequestFrame>, err: WegoError): void {
    const app = this.#host.app;
    const ctx = app.context({ transport: "ws", route: frame.route ?? "", meta: this.#meta, id: frame.requestId });
    this.#write(encodeReply(encodeId(id), app.envelope.error(err, ctx, !app.production)));
  }

  #onInvalid(frame: InvalidFrame): void {
    if (++this.#invalid > this.#host.maxInvalidFrames) {
      this.close(CloseCode.PolicyViolation, "too many invalid frames");
      return;
    }
    this.#replyError(frame.id, {}, frame.error);
  }

  #write(data: Payload): void {
    const ws = this.#ws;
    if (ws.readyState !== OPEN) return;
    ws.send(data, textFrame);
    // The socket asks for a drain only once its own buffer is full: the cheap
    // test first, the byte count only then.
    if (this.#socket.writableNeedDrain) this.#checkBackpressure();
  }

  #checkBackpressure(): void {
    const buffered = this.#ws.bufferedAmount;
    if (buffered > this.#host.sendLimit) {
      this.#host.app.log.warn({ connection: this.id, buffered }, "ws peer reads too slowly; closing");
      this.close(CloseCode.PolicyViolation, "slow consumer");
      return;
    }
    if (buffered > this.#host.sendHighWater && !this.#backpressured) {
      this.#backpressured = true;
      this.#socket.once("drain", this.#onDrain);
      this.#flow();
    }
  }

  readonly #onDrain = (): void => {
    this.#backpressured = false;
    this.#flow();
  };

  /** Run queued frames while there is room, then pause or resume reading to match. */
  #flow(): void {
    // A handler that finishes synchronously settles inside #dispatch, and
    // #settle calls back here: the running loop picks its freed slot up
    // instead of a nested loop (recursion as deep as the queue).
    if (this.#flowing) return;
    this.#flowing = true;
    const max = this.#host.maxInFlight;
    try {
      while (!this.#backpressured && !this.#closed && this.#inflight < max) {
        const queue = this.#queue;
        if (queue === undefined) break;
        const frame = queue.shift() as RequestFrame;
        if (queue.length === 0) this.#queue = undefined;
        this.#dispatch(frame);
      }
    } finally {
      this.#flowing = false;
    }
    const pause = !this.#closed && (this.#queue !== undefined || this.#backpressured || this.#inflight >= max);
    if (pause === this.#readPaused) return;
    this.#readPaused = pause;
    if (pause) this.#ws.pause();
    else this.#ws.resume();
  }

  #onClose(): void {
    this.#closed = true;
    this.#queue = undefined;
    clearTimeout(this.#expiry);
    this.#socket.off("drain", this.#onDrain);
    const host = this.#host;
    host.hub.remove(this);
    if (this.#inflight > 0) {
      const reason = new WegoError("cancelled", "client disconnected");
      for (const ctx of this.#slots) ctx?.abort(reason);
    }
    host.onClosed?.();
  }
}
