import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type JWTPayload, jwtClaimsKey, type Logger, WegoError } from "@wego/core";
import type { Answer, Context, Dispatcher, Invocation, Meta, RouteTable } from "@wego/core/transport";
import type { RawData, WebSocket } from "ws";
import { CloseCode } from "./code-map.js";
import { wsError } from "./errors.js";
import { encodeId, encodeMessage, encodeReply, type FrameId, InvalidFrame, parseFrame, type RequestFrame } from "./frame.js";
import type { HubMember, Payload, PushHub } from "./push-hub.js";
import type { WsIdentity } from "./upgrade-auth.js";
import { type WsPeer, wsPeerKey } from "./ws-peer.js";

/** What connections share: set up once by the router at start. */
export interface ConnectionHost {
  readonly log: Logger;
  readonly dispatcher: Dispatcher;
  readonly routes: RouteTable;
  readonly hub: PushHub<WsConnection>;
  readonly maxInFlight: number;
  readonly maxInvalidFrames: number;
  readonly sendHighWater: number;
  readonly sendLimit: number;
  /** Identities are verified JWTs: their claims also go under core's `jwtClaimsKey`. */
  readonly jwtClaims: boolean;
  /** The stop deadline has passed: frames still queued are refused `unavailable` rather than served. */
  expired: boolean;
  /** Called after a connection closed and left the hub. */
  onClosed: (() => void) | undefined;
}

const OPEN = 1;
/** Send options for a text frame (bytes would go as binary otherwise); shared, ws copies them. */
const textFrame = { binary: false };

/**
 * One WebSocket connection: decodes frames, hands each to the dispatcher
 * (several at a time, up to `maxInFlight`), answers each with its
 * correlation id, and applies flow control. Reading pauses while the
 * connection is at its in-flight limit or its send buffer is over the
 * high-water mark; frames already read then wait in a queue (bounded by one
 * socket read, since the socket itself is paused). In-flight tracking,
 * deadlines and drain are the dispatcher's; this counts its own invocations
 * only for flow control.
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
  #inflight = 0;
  /** Frames read while at the in-flight limit; each was admitted (`dispatcher.admit()`): it is served even if stop begins. */
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
    ws.on("error", (err) => host.log.debug({ err, connection: id }, "ws connection error"));
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
      this.#host.log.debug({ connection: this.id }, "ws peer missed a heartbeat; dropped");
      this.#ws.terminate();
      return;
    }
    this.alive = false;
    if (this.#ws.readyState === OPEN) this.#ws.ping();
  }

  terminate(): void {
    this.#ws.terminate();
  }

  /** Run what is queued now that the stop deadline has passed: it is refused `unavailable`. */
  expire(): void {
    if (this.#queue !== undefined) this.#flow();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.close(CloseCode.UnsupportedData, "binary frames are not supported; send JSON text");
      return;
    }
    const host = this.#host;
    const frame = parseFrame((data as Buffer).toString(), host.dispatcher.limits);
    if (frame instanceof InvalidFrame) {
      this.#onInvalid(frame);
      return;
    }
    // Queue only what will be served: once stopping, a new frame is refused at once (it takes no slot).
    if ((this.#queue !== undefined || this.#inflight >= host.maxInFlight) && !host.dispatcher.closed) {
      host.dispatcher.admit();
      if (this.#queue === undefined) this.#queue = [frame];
      else this.#queue.push(frame);
      this.#flow();
      return;
    }
    this.#dispatch(frame, false);
    if (this.#inflight >= host.maxInFlight) this.#flow();
  }

  #dispatch(frame: RequestFrame, admitted: boolean): void {
    const host = this.#host;
    const id = frame.id;
    const inv: Invocation = {
      request: frame.data === undefined ? {} : frame.data,
      meta: this.#meta,
      id: frame.requestId,
      deadline: frame.timeoutMs === undefined ? undefined : Date.now() + frame.timeoutMs,
      values: this.#values,
      checked: true,
      admitted,
    };
    const entry = host.routes.get(frame.route);
    if (entry === undefined) {
      if (admitted) host.dispatcher.release();
      host.dispatcher.refuse(frame.route, inv, wsError("WEGO_ERR_WS_ROUTE_UNKNOWN", frame.route), this.#refusal(id));
      return;
    }
    this.#inflight++;
    // Answered synchronously when the handler finished synchronously: the reply goes out in this turn.
    host.dispatcher.dispatch(entry, inv, (ctx, error, result) => this.#settle(id, ctx, error, result));
  }

  #settle(id: FrameId | undefined, ctx: Context, error: WegoError | undefined, result: unknown): void {
    this.#inflight--;
    if (!this.#closed) this.#write(encodeReply(encodeId(id), this.#host.dispatcher.encode(ctx, error, result)));
    if (this.#readPaused) this.#flow();
  }

  /** The answer of a frame refused before any handler: an error frame, no slot to free. */
  #refusal(id: FrameId | undefined): Answer {
    return (ctx, error, result) => {
      if (!this.#closed) this.#write(encodeReply(encodeId(id), this.#host.dispatcher.encode(ctx, error, result)));
    };
  }

  #onInvalid(frame: InvalidFrame): void {
    if (++this.#invalid > this.#host.maxInvalidFrames) {
      this.close(CloseCode.PolicyViolation, "too many invalid frames");
      return;
    }
    this.#host.dispatcher.refuse(frame.route, { meta: this.#meta }, frame.error, this.#refusal(frame.id));
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
      this.#host.log.warn({ connection: this.id, buffered }, "ws peer reads too slowly; closing");
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
    const host = this.#host;
    const max = host.maxInFlight;
    try {
      while (!this.#backpressured && !this.#closed && this.#inflight < max) {
        const queue = this.#queue;
        if (queue === undefined) break;
        const frame = queue.shift() as RequestFrame;
        if (queue.length === 0) this.#queue = undefined;
        if (host.expired) {
          // Past the stop deadline: no longer admitted, so dispatch refuses it `unavailable` (and it takes no slot).
          host.dispatcher.release();
          this.#dispatch(frame, false);
        } else this.#dispatch(frame, true);
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
    const host = this.#host;
    // Admitted frames that will never run: the drain must not wait for them.
    for (let n = this.#queue?.length ?? 0; n > 0; n--) host.dispatcher.release();
    this.#queue = undefined;
    clearTimeout(this.#expiry);
    this.#socket.off("drain", this.#onDrain);
    host.hub.remove(this);
    if (this.#inflight > 0) {
      // The peer is gone: its handlers see ctx.signal fire (their answers are no-ops).
      host.dispatcher.abort((ctx) => ctx.get(wsPeerKey) === this, new WegoError("cancelled", "client disconnected"), this.#inflight);
    }
    host.onClosed?.();
  }
}
