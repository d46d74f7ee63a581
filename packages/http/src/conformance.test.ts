import { connect } from "node:net";
import { type App, createApp } from "@wego/core";
import { type ConformanceReply, describeRouterConformance } from "@wego/core/testing/conformance";
import { Pool } from "undici";
import { expect, it } from "vitest";
import { createHttpRouter, type HttpRouter } from "./http-router.js";

interface Envelope {
  code: ConformanceReply["code"];
  data: unknown;
  message: string;
  requestId: string;
  reason?: string;
  details?: unknown;
}

const replyOf = (body: Envelope, echoed: unknown): ConformanceReply => {
  if (echoed !== body.requestId) throw new Error(`x-request-id header ${String(echoed)} differs from the envelope's ${body.requestId}`);
  return { code: body.code, data: body.data, message: body.message, requestId: body.requestId, reason: body.reason, details: body.details };
};

// Every route is `POST /<handler>` with the input as a JSON body; undici is the client, a raw socket the slow one.
describeRouterConformance("http", () => {
  let router: HttpRouter;
  let pool: Pool | undefined;
  const post = async (route: string, body: string, headers: Record<string, string> = {}): Promise<ConformanceReply> => {
    pool ??= new Pool(`http://127.0.0.1:${router.port}`, { connections: 4 });
    const res = await pool.request({
      method: "POST",
      path: `/${route}`,
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return replyOf((await res.body.json()) as Envelope, res.headers["x-request-id"]);
  };
  return {
    transport: "http",
    mount(app: App, routes) {
      router = createHttpRouter({ port: 0 });
      for (const r of routes) router.post(`/${r}`, r);
      app.router("http", router);
    },
    register(route, target) {
      router.post(`/${route}`, target);
    },
    call(route, input, options) {
      const headers: Record<string, string> = {};
      if (options?.requestId !== undefined) headers["x-request-id"] = options.requestId;
      if (options?.timeoutMs !== undefined) headers["x-request-timeout"] = String(options.timeoutMs);
      return post(route, JSON.stringify(input), headers);
    },
    callRaw(route, json) {
      return post(route, json);
    },
    // Headers and the first half of the body now, the rest on finish(), on a connection of its own.
    async callSlowly(route, input) {
      const body = Buffer.from(JSON.stringify(input));
      const half = body.length >> 1;
      const socket = connect(router.port as number, "127.0.0.1");
      let text = "";
      let complete!: () => void;
      const answered = new Promise<void>((resolve) => {
        complete = resolve;
      });
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => {
        text += d;
        const end = text.indexOf("\r\n\r\n");
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? Number.NaN);
        if (end !== -1 && text.length - end - 4 >= length) complete();
      });
      await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      socket.write(`POST /${route} HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, half));
      // Let the server see the headers (and admit the request) before the caller stops the app.
      await new Promise((r) => setTimeout(r, 50));
      return {
        async finish() {
          socket.write(body.subarray(half));
          await answered;
          socket.destroy();
          const end = text.indexOf("\r\n\r\n");
          const echoed = /\r\nx-request-id: ([^\r]+)/i.exec(text.slice(0, end))?.[1];
          return replyOf(JSON.parse(text.slice(end + 4)) as Envelope, echoed);
        },
      };
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
