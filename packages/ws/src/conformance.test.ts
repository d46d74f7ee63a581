import { type App, createApp } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing";
import { expect, it } from "vitest";
import { TestClient } from "./test/harness.js";
import { createWsRouter, type WsRouter } from "./ws-router.js";

// One connection serves every call of a case, as a real client would: the
// stop case then sees `unavailable` on the open connection, and a refused
// connection when it opens a new one.
describeRouterConformance("ws", () => {
  let router: WsRouter;
  let client: TestClient | undefined;
  return {
    transport: "ws",
    mount(app: App, routes) {
      router = createWsRouter({ port: 0, host: "127.0.0.1" });
      for (const r of routes) router.route(r, r);
      app.router("ws", router);
    },
    async call(route, input, options) {
      if (client === undefined || client.ws.readyState !== 1) client = await TestClient.open(`ws://127.0.0.1:${router.port}/ws`);
      const reply = await client.request(route, input, options?.requestId ? { requestId: options.requestId } : {});
      return {
        code: reply.code as never,
        data: reply.data,
        message: reply.message,
        ...(reply.requestId ? { requestId: reply.requestId } : {}),
      };
    },
    async close() {
      await client?.close();
      client = undefined;
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createWsRouter({ port: 0 }).route("chat", app.handler("chat")).route("two", "two").routes?.()).toEqual([
    { route: "chat", handler: "chat" },
    { route: "two", handler: "two" },
  ]);
});
