import { type App, createApp } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing";
import { Pool } from "undici";
import { expect, it } from "vitest";
import { createHttpRouter, type HttpRouter } from "./http-router.js";

// Every route is `POST /<handler>` with the input as a JSON body; undici is the client.
describeRouterConformance("http", () => {
  let router: HttpRouter;
  let pool: Pool | undefined;
  return {
    transport: "http",
    mount(app: App, routes) {
      router = createHttpRouter({ port: 0 });
      for (const r of routes) router.post(`/${r}`, r);
      app.router("http", router);
    },
    async call(route, input, options) {
      pool ??= new Pool(`http://127.0.0.1:${router.port}`, { connections: 4 });
      const res = await pool.request({
        method: "POST",
        path: `/${route}`,
        headers: { "content-type": "application/json", ...(options?.requestId ? { "x-request-id": options.requestId } : {}) },
        body: JSON.stringify(input),
      });
      const body = (await res.body.json()) as { code: never; data: unknown; message: string; requestId: string };
      const echoed = res.headers["x-request-id"];
      if (echoed !== body.requestId) throw new Error(`x-request-id header ${String(echoed)} differs from the envelope's ${body.requestId}`);
      return { code: body.code, data: body.data, message: body.message, requestId: body.requestId };
    },
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createHttpRouter({ port: 0 }).get("/exam/one", app.handler("one")).post("/exam/auth", "auth").routes?.()).toEqual([
    { route: "GET /exam/one", handler: "one" },
    { route: "POST /exam/auth", handler: "auth" },
  ]);
});
