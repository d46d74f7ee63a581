import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { create, fromBinary, isMessage, type Message, toBinary } from "@bufbuild/protobuf";
import { publicMessage, WegoError } from "@wego/core";
import type { CallState, UnaryBinding } from "./call.js";
import { errorDetailOf, grpcStatus, statusDetailsBin } from "./code-map.js";
import { metaFromNode, parseGrpcTimeout } from "./meta.js";

export interface UnaryLimits {
  readMaxBytes: number;
  writeMaxBytes: number;
  /** Show internal error messages (not in production). */
  expose: boolean;
  /** Set when the router's stop deadline passed: why a call cut short by the shutdown was aborted. */
  shutdown: unknown;
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

type CallStream = ServerHttp2Stream & { [kCall]?: UnaryCall };

/**
 * Serve one gRPC unary call straight on its HTTP/2 stream: collect the
 * enveloped request, decode it with protobuf-es, run the binding (which runs
 * the handler through `app.run`), and answer with one DATA frame and the
 * `grpc-status` trailer, or a trailers-only error. No WHATWG Headers, no
 * AbortController, no async-iterable pipeline, no per-call closures: the
 * listeners are shared functions that find their call on the stream. gRPC-Web,
 * Connect, compressed and streaming calls take connect's own handlers instead.
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
  const status = grpcStatus(err.code);
  const message = publicMessage(err, expose);
  stream.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": String(status),
      "grpc-message": encodeURIComponent(message),
      "grpc-status-details-bin": statusDetailsBin(status, message, errorDetailOf(err, requestId)),
    },
    endOptions,
  );
  // The request may still be arriving (an oversized message, an early
  // failure): tell the client to stop sending once our answer is out.
  if (!stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
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
  readonly #state: CallState = { ctx: undefined };

  constructor(stream: CallStream, headers: IncomingHttpHeaders, binding: UnaryBinding, limits: UnaryLimits) {
    this.#stream = stream;
    this.#headers = headers;
    this.#binding = binding;
    this.#limits = limits;
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
      if (len > max) this.#fail(tooLarge(len, max));
      else if (this.#size > len + 5)
        this.#fail(new WegoError("unimplemented", "protocol error: received extra input message for unary method"));
    }
  }

  end(): void {
    if (this.#done) return;
    const input = this.#decode();
    if (input instanceof WegoError) {
      this.#fail(input);
      return;
    }
    const h = this.#headers;
    const timeout = h["grpc-timeout"];
    const rid = h["x-request-id"];
    let p: Promise<unknown>;
    try {
      p = this.#binding.call(
        input,
        {
          meta: metaFromNode(h),
          requestId: typeof rid === "string" ? rid : undefined,
          deadline: timeout === undefined ? undefined : deadlineOf(timeout as string),
        },
        this.#state,
      );
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (out) => this.#respond(out),
      (err: unknown) => this.#fail(err),
    );
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
    if (this.#done) return;
    this.#done = true;
    this.#state.ctx?.abort(this.#limits.shutdown ?? new WegoError("cancelled", "the caller cancelled the call"));
  }

  #respond(out: unknown): void {
    if (this.#done) return;
    const bytes = this.#encode(out);
    if (bytes instanceof WegoError) {
      this.#fail(bytes);
      return;
    }
    this.#done = true;
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
  }

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

  #fail(err: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#first = undefined;
    this.#chunks = undefined;
    const e = WegoError.from(err);
    const rid = this.#headers["x-request-id"];
    respondGrpcError(this.#stream, e, this.#state.ctx?.id ?? (typeof rid === "string" ? rid : undefined), this.#limits.expose);
  }
}

function tooLarge(size: number, max: number): WegoError {
  return new WegoError("resource_exhausted", `message size ${size} is larger than configured limit ${max}`);
}

function deadlineOf(timeout: string): number | undefined {
  const ms = parseGrpcTimeout(timeout);
  return ms === undefined ? undefined : Date.now() + ms;
}
