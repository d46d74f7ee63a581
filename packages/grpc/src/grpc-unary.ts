import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { create, fromBinary, isMessage, type Message, toBinary } from "@bufbuild/protobuf";
import { type Context, publicMessage, WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import type { UnaryBinding } from "./call.js";
import { encodeGrpcMessage, errorDetailOf, grpcCodes, statusDetailsBin } from "./code-map.js";
import { metaFromNode, parseGrpcTimeout } from "./meta.js";

/** What both protocol paths share: the dispatcher, the message limits, whether internal messages show. */
export interface UnaryLimits {
  readonly dispatcher: Dispatcher;
  readMaxBytes: number;
  writeMaxBytes: number;
  /** Show internal error messages (not in production). */
  expose: boolean;
}

/** True when a stream is a plain gRPC unary call the lean path can take: protobuf, uncompressed, POST. */
export function isPlainGrpc(headers: IncomingHttpHeaders): boolean {
  const ct = headers["content-type"];
  if (ct !== "application/grpc" && ct !== "application/grpc+proto") return false;
  const enc = headers["grpc-encoding"];
  return (enc === undefined || enc === "identity") && headers[":method"] === "POST";
}

const okHeaders = { ":status": 200, "content-type": "application/grpc" };
const okTrailers = { "grpc-status": "0" };
const respondOptions = { waitForTrailers: true };
const endOptions = { endStream: true };
const empty = Buffer.alloc(0);
const kCall = Symbol("wego.grpc.call");
// A reset that arrives this close to the call's deadline is the caller enforcing it, not a cancellation.
const DEADLINE_SLACK_MS = 50;

type CallStream = ServerHttp2Stream & { [kCall]?: UnaryCall };

/**
 * Serve one gRPC unary call straight on its HTTP/2 stream: collect the
 * enveloped request, decode it with protobuf-es, dispatch it, and answer with
 * one DATA frame and the `grpc-status` trailer, or a trailers-only error. The
 * call is admitted to the dispatcher as its headers arrive, so a call whose
 * body is still arriving when the router stops is served. No WHATWG Headers,
 * no AbortController, no async-iterable pipeline: the stream listeners are
 * shared functions that find their call on the stream, and a handler that
 * finished synchronously is answered in the same tick. gRPC-Web, Connect,
 * compressed and streaming calls take connect's own handlers instead.
 */
export function serveGrpcUnary(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, binding: UnaryBinding, limits: UnaryLimits): void {
  const s = stream as CallStream;
  s[kCall] = new UnaryCall(s, headers, binding, limits);
  s.on("data", onData);
  s.once("end", onEnd);
  s.once("close", onClose);
  s.on("error", ignore);
}

/** Answer a gRPC call with a status and no message (trailers-only), e.g. UNIMPLEMENTED for an unknown method. */
export function respondGrpcError(stream: ServerHttp2Stream, err: WegoError, requestId: string | undefined, expose: boolean): void {
  if (stream.destroyed || stream.headersSent) return;
  const status = grpcCodes.toWire(err);
  const message = publicMessage(err, expose);
  stream.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": String(status),
      "grpc-message": encodeGrpcMessage(message),
      "grpc-status-details-bin": statusDetailsBin(status, message, errorDetailOf(err, requestId)),
    },
    endOptions,
  );
  // The request may still be arriving (an oversized message, an early
  // failure): tell the client to stop sending once our answer is out.
  if (!stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}

/** Refuse a call on the lean path before any handler ran, through the dispatcher (request-id rule, logging). */
export function refuseGrpc(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, err: WegoError, limits: UnaryLimits): void {
  limits.dispatcher.refuse(headers[":path"] ?? "", { meta: metaFromNode(headers), id: headers["x-request-id"] }, err, (ctx, e) =>
    respondGrpcError(stream, e as WegoError, ctx.id, limits.expose),
  );
}

function onData(this: CallStream, chunk: Buffer): void {
  this[kCall]?.data(chunk);
}
function onEnd(this: CallStream): void {
  this[kCall]?.end();
}
function onClose(this: CallStream): void {
  this[kCall]?.closed();
}
function sendOkTrailers(this: ServerHttp2Stream): void {
  this.sendTrailers(okTrailers);
}
function ignore(): void {}

class UnaryCall {
  readonly #stream: CallStream;
  readonly #headers: IncomingHttpHeaders;
  readonly #binding: UnaryBinding;
  readonly #limits: UnaryLimits;
  #first: Buffer | undefined = undefined;
  #chunks: Buffer[] | undefined = undefined;
  #size = 0;
  #done = false;
  /** Holding an admission: the headers came before the router closed, and the call is not dispatched yet. */
  #admitted: boolean;
  #ctx: Context | undefined = undefined;

  constructor(stream: CallStream, headers: IncomingHttpHeaders, binding: UnaryBinding, limits: UnaryLimits) {
    this.#stream = stream;
    this.#headers = headers;
    this.#binding = binding;
    this.#limits = limits;
    const d = limits.dispatcher;
    this.#admitted = !d.closed;
    if (this.#admitted) d.admit();
  }

  data(chunk: Buffer): void {
    if (this.#done) return;
    if (this.#first === undefined) this.#first = chunk;
    else {
      this.#chunks ??= [this.#first];
      this.#chunks.push(chunk);
    }
    this.#size += chunk.length;
    const max = this.#limits.readMaxBytes;
    // Refuse as soon as the envelope announces more than we accept.
    if (this.#size >= 5) {
      const head = this.#first.length >= 5 ? this.#first : Buffer.concat(this.#chunks ?? [this.#first]);
      const len = head.readUInt32BE(1);
      if (len > max) this.#refuse(tooLarge(len, max));
      else if (this.#size > len + 5)
        this.#refuse(new WegoError("unimplemented", "protocol error: received extra input message for unary method"));
    }
  }

  end(): void {
    if (this.#done) return;
    const input = this.#decode();
    if (input instanceof WegoError) {
      this.#refuse(input);
      return;
    }
    const h = this.#headers;
    const timeout = h["grpc-timeout"];
    const admitted = this.#admitted;
    this.#admitted = false; // invoke consumes it
    const ctx = this.#binding.invoke(
      input,
      { meta: metaFromNode(h), id: h["x-request-id"], deadline: typeof timeout === "string" ? deadlineOf(timeout) : undefined, admitted },
      this.#reply,
    );
    if (!this.#done) this.#ctx = ctx;
  }

  /** The request message, or why there is none (connect's wording, so both paths say the same). */
  #decode(): Message | WegoError {
    const size = this.#size;
    const body = this.#chunks ? Buffer.concat(this.#chunks, size) : (this.#first ?? empty);
    this.#first = undefined;
    this.#chunks = undefined;
    if (size === 0) return new WegoError("unimplemented", "protocol error: missing input message for unary method");
    if (size < 5) return new WegoError("internal", "protocol error: incomplete envelope");
    const len = body.readUInt32BE(1);
    if (len + 5 !== size)
      return new WegoError("internal", `protocol error: promised ${len} bytes in enveloped message, got ${size - 5} bytes`);
    if ((body[0] as number) & 1) return new WegoError("internal", "protocol error: received compressed message without grpc-encoding");
    try {
      return fromBinary(this.#binding.method.input, body.subarray(5));
    } catch (err) {
      return new WegoError("internal", `parse binary: ${(err as Error).message}`);
    }
  }

  /** The stream closed: when we had not answered, the caller gave up (cancel, deadline, reset). */
  closed(): void {
    const s = this.#stream;
    s[kCall] = undefined;
    this.#release();
    if (this.#done) return;
    this.#done = true;
    const ctx = this.#ctx;
    if (ctx === undefined) return;
    this.#ctx = undefined;
    const deadline = ctx.deadline;
    ctx.abort(
      deadline !== undefined && Date.now() >= deadline - DEADLINE_SLACK_MS
        ? new WegoError("deadline_exceeded", "deadline exceeded")
        : new WegoError("cancelled", "the caller cancelled the call"),
    );
  }

  /** The binding's answer (exactly once, possibly before `invoke` returned). */
  readonly #reply = (error: WegoError | undefined, output: unknown, ctx: Context | undefined): void => {
    if (this.#done) return;
    this.#ctx = undefined;
    if (error !== undefined) {
      this.#done = true;
      respondGrpcError(this.#stream, error, ctx?.id, this.#limits.expose);
      return;
    }
    const bytes = this.#encode(output);
    this.#done = true;
    if (bytes instanceof WegoError) {
      respondGrpcError(this.#stream, bytes, ctx?.id, this.#limits.expose);
      return;
    }
    const s = this.#stream;
    if (s.destroyed) return;
    const n = bytes.length;
    const frame = Buffer.allocUnsafe(5 + n);
    frame[0] = 0;
    frame.writeUInt32BE(n, 1);
    frame.set(bytes, 5);
    s.respond(okHeaders, respondOptions);
    s.once("wantTrailers", sendOkTrailers);
    s.end(frame);
  };

  #encode(out: unknown): Uint8Array | WegoError {
    const schema = this.#binding.method.output;
    let bytes: Uint8Array;
    try {
      bytes = toBinary(schema, isMessage(out, schema) ? out : create(schema, out as never));
    } catch (err) {
      return new WegoError("internal", `serialize binary: ${(err as Error).message}`);
    }
    return bytes.length > this.#limits.writeMaxBytes ? tooLarge(bytes.length, this.#limits.writeMaxBytes) : bytes;
  }

  /** Refused before dispatch (bad envelope, too large…): answered through the dispatcher's refusal. */
  #refuse(err: WegoError): void {
    if (this.#done) return;
    this.#done = true;
    this.#first = undefined;
    this.#chunks = undefined;
    this.#release();
    refuseGrpc(this.#stream, this.#headers, err, this.#limits);
  }

  #release(): void {
    if (this.#admitted) {
      this.#admitted = false;
      this.#limits.dispatcher.release();
    }
  }
}

function tooLarge(size: number, max: number): WegoError {
  return new WegoError("resource_exhausted", `message size ${size} is larger than configured limit ${max}`);
}

function deadlineOf(timeout: string): number | undefined {
  const ms = parseGrpcTimeout(timeout);
  return ms === undefined ? undefined : Date.now() + ms;
}
