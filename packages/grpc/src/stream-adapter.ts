import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerRequest, UniversalServerResponse } from "@connectrpc/connect/protocol";
import type { Dispatcher } from "@wego/core/transport";
import { admitRequest, releaseAdmission } from "./admission.js";
import { encodeGrpcMessage } from "./code-map.js";

/** What the adapter needs of the router. */
export interface ServeOptions {
  readonly dispatcher: Dispatcher;
  onError(err: unknown): void;
}

/**
 * A lean adapter from a raw node:http2 stream into connect's own protocol
 * handlers (gRPC-Web, Connect, and gRPC calls the unary fast path does not
 * take: compressed, `+json`, streaming), without node's compatibility
 * request/response objects. The request is admitted to the dispatcher as its
 * headers arrive (see admission.ts).
 */
export function serveUniversal(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  handler: UniversalHandler,
  options: ServeOptions,
  extraHeaders?: Record<string, string>,
): void {
  const onError = options.onError;
  stream.on("error", ignore);
  const { admission, values } = admitRequest(options.dispatcher);
  stream.once("close", () => releaseAdmission(options.dispatcher, admission));
  const req = universalRequest(stream, headers, values);
  handler(req)
    .then((res) => writeUniversal(stream, res, extraHeaders))
    .catch((err: unknown) => {
      if (!stream.headersSent && !stream.destroyed) stream.respond({ ":status": 500 }, { endStream: true });
      if (ConnectError.from(err).code !== Code.Aborted) onError(err);
    });
}

function universalRequest(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  contextValues: UniversalServerRequest["contextValues"],
): UniversalServerRequest {
  const header = new Headers();
  for (const key in headers) {
    if (key.charCodeAt(0) === 58 /* ":" */) continue;
    const v = headers[key];
    if (Array.isArray(v)) for (const one of v) header.append(key, one);
    else if (v !== undefined) header.set(key, v);
  }
  const ac = new AbortController();
  stream.once("close", () => {
    const code = stream.rstCode;
    ac.abort(
      code === undefined || code === http2.constants.NGHTTP2_NO_ERROR
        ? undefined
        : new ConnectError(
            `stream reset (HTTP/2 error code ${code})`,
            code === http2.constants.NGHTTP2_CANCEL ? Code.Canceled : Code.Aborted,
          ),
    );
  });
  const scheme = headers[":scheme"] ?? "http";
  const authority = headers[":authority"] ?? headers.host ?? "localhost";
  return {
    httpVersion: "2.0",
    method: (headers[":method"] as string | undefined) ?? "GET",
    url: `${scheme}://${authority}${headers[":path"] ?? "/"}`,
    header,
    // Not the stream itself: leaving its iterator early (connect refusing an
    // oversized message) would destroy the stream, resetting it with CANCEL
    // before the error status goes out.
    body: stream.iterator({ destroyOnReturn: false }),
    signal: ac.signal,
    contextValues,
  };
}

async function writeUniversal(
  stream: ServerHttp2Stream,
  res: UniversalServerResponse,
  extra: Record<string, string> | undefined,
): Promise<void> {
  const it = res.body?.[Symbol.asyncIterator]();
  try {
    // The first chunk comes before the headers go out: an implementation may
    // still set response headers until then.
    let chunk = it ? await it.next() : ({ done: true, value: undefined } as const);
    if (stream.destroyed) return;
    const trailer = res.trailer;
    const endsNow = chunk.done === true && trailer === undefined;
    stream.respond(nodeHeaders(res.header, { ...extra, ":status": res.status }), {
      waitForTrailers: trailer !== undefined,
      endStream: endsNow,
    });
    if (endsNow) {
      // A trailers-only answer (a gRPC error): it is all out, stop a caller still sending.
      stopReading(stream);
      return;
    }
    if (trailer !== undefined)
      stream.once("wantTrailers", () => {
        stream.sendTrailers(nodeHeaders(trailer, {}));
        // Not now: this runs inside nghttp2's send, and a reset submitted
        // here goes out before the trailers, leaving the caller without a
        // grpc-status ("RST_STREAM with code 0"). Once they are written.
        setImmediate(stopReading, stream);
      });
    for (; chunk.done !== true; chunk = await (it as AsyncIterator<Uint8Array>).next()) {
      if (stream.destroyed) return;
      if (!stream.write(chunk.value)) await drained(stream);
    }
    if (!stream.writableEnded) stream.end();
    if (trailer === undefined) stopReading(stream);
  } catch (err) {
    await it?.throw?.(err).catch(ignore);
    throw err;
  } finally {
    it?.return?.().catch(ignore);
  }
}

/**
 * Our answer is complete (its last frame queued): when the caller is still
 * sending (we answered early, or connect read the one message of a unary
 * call and not the end of the stream), drop what it sends and close the
 * stream with NO_ERROR, or the stream never ends and its session never
 * closes. nghttp2 sends frames of a stream in order, so the reset follows
 * the answer.
 */
function stopReading(stream: ServerHttp2Stream): void {
  if (stream.readableEnded || stream.destroyed) return;
  stream.resume();
  stream.close(http2.constants.NGHTTP2_NO_ERROR);
}

function nodeHeaders(
  init: UniversalServerResponse["header"],
  into: Record<string, string | number | string[]>,
): Record<string, string | number | string[]> {
  if (init === undefined) return into;
  const h = init instanceof Headers ? init : new Headers(init);
  h.forEach((value, key) => {
    if (key === "set-cookie") return;
    // connect writes grpc-message with encodeURIComponent; the gRPC spec's encoding is narrower (see encodeGrpcMessage).
    into[key] = key === "grpc-message" ? encodeGrpcMessage(safeDecode(value)) : value;
  });
  const cookies = h.getSetCookie();
  if (cookies.length > 0) into["set-cookie"] = cookies;
  return into;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.off("drain", done);
      stream.off("close", done);
      if (err) reject(err);
      else resolve();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}

function ignore(): void {}
