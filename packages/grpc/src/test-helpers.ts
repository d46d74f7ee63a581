// Shared by this package's tests: an app with a few handlers, a started
// router on an ephemeral loopback port, and the clients that call it.
import type http2 from "node:http2";
import type * as grpc from "@grpc/grpc-js";
import { type App, type Context, createApp, filters, services, WegoError } from "@wego/core";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { createGrpcRouter, type GrpcRouter, type GrpcRouterOptions } from "./grpc-router.js";

/** What handlers saw, for assertions. */
export interface Seen {
  ctx?: Context;
  abortReason?: unknown;
}

/** An app with handlers `echo`, `two`, `fail`, `crash`, `wait`, routes of the same names, and EchoService/Echo → `typedEcho`. */
export async function startApp(options: GrpcRouterOptions = {}, configure?: (app: App, router: GrpcRouter) => void) {
  const seen: Seen = {};
  const app = createApp({ name: "grpc-test", logger: false, production: true, config: { env: {}, argv: [] } });
  app.handler("echo", async (ctx) => {
    seen.ctx = ctx;
    return { input: ctx.request ?? null, id: ctx.id, route: ctx.route };
  });
  // The seed's service chain: filters.create(services.chain(...)) building the result with ctx.response.
  app.handler(
    "two",
    filters.create(
      services.chain(
        async (ctx, next) => {
          ctx.response("one", 1);
          await next();
        },
        (ctx) => void ctx.response("two", (ctx.request as { n?: number } | undefined)?.n ?? 2),
      ),
    ),
  );
  app.handler("fail", async () => {
    throw new WegoError("not_found", "no such user", { reason: "USER_MISSING", details: { id: 7 } });
  });
  app.handler("crash", async () => {
    throw new Error("db password is hunter2");
  });
  app.handler("wait", async (ctx) => {
    seen.ctx = ctx;
    await new Promise<void>((resolve) => {
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    seen.abortReason = ctx.signal.reason;
    throw ctx.signal.reason;
  });
  app.handler("typedEcho", async (ctx) => {
    seen.ctx = ctx;
    const req = ctx.request as { msg: string; n: number; blob: Uint8Array };
    if (req.msg === "fail") throw new WegoError("permission_denied", "not you", { reason: "NOPE", details: ["a"] });
    if (req.msg === "crash") throw new Error("secret hunter2");
    if (req.msg === "wait") {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      seen.abortReason = ctx.signal.reason;
      throw ctx.signal.reason;
    }
    return { msg: req.msg, n: req.n + 1, blob: req.blob };
  });
  const router = createGrpcRouter({ port: 0, host: "127.0.0.1", ...options });
  for (const r of ["echo", "two", "fail", "crash", "wait"]) router.route(r, r);
  router.service(EchoService, { echo: "typedEcho" });
  configure?.(app, router);
  app.router("grpc", router);
  await app.start();
  return { app, router, seen, baseUrl: `http://127.0.0.1:${router.port}` };
}

/** What a raw HTTP/2 call got back. */
export interface WireAnswer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** The gRPC status of a raw answer (trailers, or the headers of a trailers-only answer). */
export const wireStatus = (a: WireAnswer): number => Number(a.trailers["grpc-status"] ?? a.headers["grpc-status"]);

/** A gRPC length-prefixed message: flags, 4-byte length, the bytes. */
export function grpcFrame(message: Uint8Array, flags = 0): Buffer {
  const f = Buffer.alloc(5 + message.length);
  f[0] = flags;
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

/**
 * A POST by hand over node:http2, with its body written in two parts: the
 * headers and `first` now, the rest when `finish()` is called (a call whose
 * body is still arriving). `extra` adds or overrides headers.
 */
export async function slowCall(session: http2.ClientHttp2Session, path: string, first: Buffer, extra: http2.OutgoingHttpHeaders = {}) {
  const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...extra });
  const answer: WireAnswer = { headers: {}, trailers: {}, body: Buffer.alloc(0) };
  const chunks: Buffer[] = [];
  req.on("response", (h) => {
    answer.headers = h;
  });
  req.on("trailers", (t) => {
    answer.trailers = t;
  });
  req.on("data", (c: Buffer) => chunks.push(c));
  const closed = new Promise<WireAnswer>((resolve, reject) => {
    req.on("close", () => resolve({ ...answer, body: Buffer.concat(chunks) }));
    req.on("error", reject);
  });
  if (first.length > 0) await new Promise<void>((resolve) => req.write(first, () => resolve()));
  return {
    finish(rest: Buffer = Buffer.alloc(0)): Promise<WireAnswer> {
      req.end(rest);
      return closed;
    },
  };
}

/** A POST by hand over node:http2, its whole body at once. */
export async function wireCall(session: http2.ClientHttp2Session, path: string, body: Buffer, extra: http2.OutgoingHttpHeaders = {}) {
  return (await slowCall(session, path, Buffer.alloc(0), extra)).finish(body);
}

/** EchoService/Echo of `EchoRequest{msg: "x", n: 4}` through a bare grpc-js client; resolves the response bytes (`{msg: "x", n: 5}` when served). */
export function grpcJsEcho(client: grpc.Client): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      "/wego.testing.v1.EchoService/Echo",
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from([0x0a, 0x01, 0x78, 0x10, 0x04]),
      (err, res) => (err ? reject(err) : resolve(res as Buffer)),
    );
  });
}
