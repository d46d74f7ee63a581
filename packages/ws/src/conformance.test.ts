import { type App, createApp } from "@wego/core";
import { type ConformanceReply, describeRouterConformance } from "@wego/core/testing/conformance";
import { expect, it } from "vitest";
import { type Reply, TestClient } from "./test/harness.js";
import { createWsRouter, type WsRouter } from "./ws-router.js";

const replyOf = (r: Reply): ConformanceReply => ({
  code: r.code as ConformanceReply["code"],
  data: r.data,
  message: r.message,
  ...(r.requestId === undefined ? {} : { requestId: r.requestId }),
  ...(r.reason === undefined ? {} : { reason: r.reason }),
  ...(r.details === undefined ? {} : { details: r.details }),
});

// One connection serves every call of a case, as a real client would: the
// stop case then sees `unavailable` on the open connection, and a refused
// connection when it opens a new one. Deadlines travel in the frame
// (`timeoutMs`); callRaw puts the given JSON text in the frame as `data`,
// so what the suite sends is what the router parses.
describeRouterConformance("ws", () => {
  let router: WsRouter;
  let client: TestClient | undefined;
  const connection = async (): Promise<TestClient> => {
    if (client === undefined || client.ws.readyState !== 1) client = await TestClient.open(`ws://127.0.0.1:${router.port}/ws`);
    return client;
  };
  return {
    transport: "ws",
    mount(app: App, routes) {
      router = createWsRouter({ port: 0, host: "127.0.0.1" });
      for (const r of routes) router.route(r, r);
      app.router("ws", router);
    },
    register(route, target) {
      router.route(route, target);
    },
    async call(route, input, options) {
      const c = await connection();
      const extra: Record<string, unknown> = {};
      if (options?.requestId !== undefined) extra.requestId = options.requestId;
      if (options?.timeoutMs !== undefined) extra.timeoutMs = options.timeoutMs;
      return replyOf(await c.request(route, input, extra));
    },
    async callRaw(route, json) {
      const c = await connection();
      return replyOf(await c.requestRaw(route, json));
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
