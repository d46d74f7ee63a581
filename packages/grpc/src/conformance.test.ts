import { type Code, createApp } from "@wego/core";
import { type ConformanceDriver, describeRouterConformance } from "@wego/core/testing";
import { expect, it } from "vitest";
import { createGrpcClient, type GrpcClient } from "./grpc-client.js";
import { createGrpcRouter, type GrpcRouter } from "./grpc-router.js";

describeRouterConformance("grpc", (): ConformanceDriver => {
  let router: GrpcRouter | undefined;
  let client: GrpcClient | undefined;
  return {
    transport: "grpc",
    mount(app, routes) {
      router = createGrpcRouter({ port: 0, host: "127.0.0.1" });
      for (const r of routes) router.route(r, r);
      app.router("grpc", router);
    },
    async call(route, input, options) {
      client ??= createGrpcClient({ baseUrl: `http://127.0.0.1:${router?.port}`, retries: 0, timeoutMs: 5000 });
      const r = await client.reply(route, input, options?.requestId ? { requestId: options.requestId } : {});
      const env = r.envelope as { code: Code | "ok"; data?: unknown; message?: string; requestId?: string };
      return {
        code: env.code,
        data: env.data,
        ...(env.message ? { message: env.message } : {}),
        ...(env.requestId ? { requestId: env.requestId } : {}),
      };
    },
    close() {
      client?.close();
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createGrpcRouter({ port: 0 }).route("Two", app.handler("two")).route("One", "one").routes()).toEqual([
    { route: "Two", handler: "two" },
    { route: "One", handler: "one" },
  ]);
});
