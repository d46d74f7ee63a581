// Shared by this package's tests: an app with a few handlers, a started
// router on an ephemeral loopback port, and the clients that call it.
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
