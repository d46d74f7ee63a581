import { createServer, request, type Server } from "node:http";
import { type App, createApp, type Router } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { TestClient } from "./test/harness.js";
import { createWsRouter } from "./ws-router.js";

/** Stands in for the @wego/http router: owns a node http.Server, exposed once started. */
function fakeHttpRouter(): Router & { server: Server | undefined } {
  return {
    server: undefined,
    async start() {
      const server = createServer((_req, res) => res.end("plain http"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      this.server = server;
    },
    async stop() {
      const server = this.server;
      await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    },
  };
}

let app: App | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await app?.stop({ timeout: 3000 });
  app = undefined;
});

function newApp(): App {
  app = createApp({ name: "attach", logger: false, config: { env: {}, argv: [] } });
  app.handler("echo", async (ctx) => ctx.request);
  return app;
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve(body));
    })
      .on("error", reject)
      .end();
  });
}

describe("attached to the HTTP router's server", () => {
  it("serves WebSocket routers on their paths of the HTTP port, beside plain HTTP", async () => {
    const a = newApp();
    const http = fakeHttpRouter();
    const chat = createWsRouter({ attach: http }).route("echo", "echo");
    const admin = createWsRouter({ attach: http, path: "/admin" }).route("echo", "echo");
    a.router("http", http).router("ws", chat).router("ws-admin", admin);
    await a.start();
    const port = ((http.server as Server).address() as { port: number }).port;
    expect(chat.port).toBe(port);
    expect(await get(port, "/hello")).toBe("plain http");
    const c1 = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
    const c2 = await TestClient.open(`ws://127.0.0.1:${port}/admin?x=1`);
    clients.push(c1, c2);
    expect(await c1.request("echo", { via: "ws" })).toMatchObject({ code: "ok", data: { via: "ws" } });
    expect(await c2.request("echo", { via: "admin" })).toMatchObject({ code: "ok", data: { via: "admin" } });
    await expect(TestClient.open(`ws://127.0.0.1:${port}/elsewhere`)).rejects.toMatchObject({ status: 404 });
  });

  it("closes its connections on stop and leaves the HTTP server to its router", async () => {
    const a = newApp();
    const http = fakeHttpRouter();
    const ws = createWsRouter({ attach: http }).route("echo", "echo");
    a.router("http", http).router("ws", ws);
    await a.start();
    const port = ((http.server as Server).address() as { port: number }).port;
    const c = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
    await a.stop({ timeout: 3000 });
    expect((await c.closed).code).toBe(1001);
    expect(http.server?.listening).toBe(false);
    expect(http.server?.listenerCount("upgrade")).toBe(0);
  });

  it("fails to start when the HTTP router has no server yet (registered after the WebSocket router)", async () => {
    const a = newApp();
    const http = fakeHttpRouter();
    a.router("ws", createWsRouter({ attach: http }).route("echo", "echo")).router("http", http);
    await expect(a.start()).rejects.toThrow(/no server yet/);
    expect(a.state).toBe("stopped");
  });

  it("refuses two routers on one path of one server", async () => {
    const a = newApp();
    const http = fakeHttpRouter();
    a.router("http", http)
      .router("ws1", createWsRouter({ attach: http }))
      .router("ws2", createWsRouter({ attach: http }));
    await expect(a.start()).rejects.toThrow(/already served/);
  });
});
