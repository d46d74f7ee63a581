// The lean gRPC path at the wire level, with a raw node:http2 client: what a
// well-behaved client never sends, and a deadline the client does not enforce.
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcFrame as frame, startApp, wireStatus as statusOf, wireCall } from "./test-helpers.js";

const echoRequest = Buffer.from([0x0a, 0x02, 0x68, 0x69, 0x10, 0x01]); // EchoRequest{msg: "hi", n: 1}

describe("the gRPC unary path on the wire", () => {
  let started: Awaited<ReturnType<typeof startApp>>;
  let session: http2.ClientHttp2Session;

  beforeAll(async () => {
    started = await startApp({ readMaxBytes: 1024 });
    session = http2.connect(started.baseUrl);
  });
  afterAll(async () => {
    session.close();
    await started.app.stop();
  });

  const call = (path: string, body: Buffer, extra: http2.OutgoingHttpHeaders = {}) => wireCall(session, path, body, extra);

  it("answers one DATA frame and grpc-status 0 in the trailers", async () => {
    const a = await call("/wego.testing.v1.EchoService/Echo", frame(echoRequest));
    expect(a.headers[":status"]).toBe(200);
    expect(a.headers["content-type"]).toBe("application/grpc");
    expect(a.trailers["grpc-status"]).toBe("0");
    expect(a.body.subarray(5)).toEqual(Buffer.from([0x0a, 0x02, 0x68, 0x69, 0x10, 0x02]));
  });

  it("refuses broken envelopes with connect's statuses, then serves on", async () => {
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", Buffer.alloc(0)))).toBe(12); // no message
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", Buffer.from([0, 0, 0])))).toBe(13); // cut envelope
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", frame(echoRequest).subarray(0, 8)))).toBe(13); // cut message
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", frame(echoRequest, 1)))).toBe(13); // compressed, no encoding
    const two = Buffer.concat([frame(echoRequest), frame(echoRequest)]);
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", two))).toBe(12); // two messages for unary
    const big = await call("/wego.testing.v1.EchoService/Echo", frame(Buffer.alloc(2000)));
    expect(statusOf(big)).toBe(8);
    expect(decodeURIComponent(String(big.headers["grpc-message"]))).toContain("larger than configured limit 1024");
    expect(statusOf(await call("/wego.testing.v1.EchoService/Echo", frame(echoRequest)))).toBe(0);
  });

  it("hands gzip-compressed calls to connect, which decompresses them", async () => {
    const { gzipSync } = await import("node:zlib");
    const a = await call("/wego.testing.v1.EchoService/Echo", frame(gzipSync(echoRequest), 1), { "grpc-encoding": "gzip" });
    expect(a.trailers["grpc-status"]).toBe("0");
  });

  it("runs out the server-side deadline when the client does not cancel: ctx.signal says deadline_exceeded", async () => {
    started.seen.abortReason = undefined;
    const msg = Buffer.from([0x0a, 0x04, 0x77, 0x61, 0x69, 0x74]); // EchoRequest{msg: "wait"}
    const t0 = Date.now();
    const a = await call("/wego.testing.v1.EchoService/Echo", frame(msg), { "grpc-timeout": "100m" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    expect(statusOf(a)).toBe(4);
    expect(started.seen.abortReason).toMatchObject({ code: "deadline_exceeded" });
  });

  // A client enforcing its deadline resets the stream at it, a hair before the server's own timer (which
  // started when the headers arrived): that is the deadline, not a cancellation, and the handler hears so.
  it.each([
    ["a reset near the call's deadline is deadline_exceeded", 300, 280, "deadline_exceeded"],
    ["a reset well before it is cancelled", 2000, 50, "cancelled"],
  ] as const)("%s", async (_name, timeoutMs, resetAfterMs, code) => {
    started.seen.abortReason = undefined;
    const msg = Buffer.from([0x0a, 0x04, 0x77, 0x61, 0x69, 0x74]); // EchoRequest{msg: "wait"}
    const req = session.request({
      ":method": "POST",
      ":path": "/wego.testing.v1.EchoService/Echo",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": `${timeoutMs}m`,
    });
    req.on("error", () => {});
    req.end(frame(msg));
    setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), resetAfterMs);
    await expect.poll(() => started.seen.abortReason, { timeout: 3000 }).toBeDefined();
    expect(started.seen.abortReason).toMatchObject({ code });
  });

  it("takes the request id from x-request-id and gives it back in the error detail", async () => {
    const msg = Buffer.from([0x0a, 0x04, 0x66, 0x61, 0x69, 0x6c]); // EchoRequest{msg: "fail"}
    const a = await call("/wego.testing.v1.EchoService/Echo", frame(msg), { "x-request-id": "wire-1" });
    expect(statusOf(a)).toBe(7);
    expect(Buffer.from(String(a.headers["grpc-status-details-bin"]), "base64").toString("latin1")).toContain("wire-1");
  });
});
