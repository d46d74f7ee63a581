import { type App, createApp } from "@wego/core";
import { createHttpRouter } from "@wego/http";
import { afterEach, describe, expect, it } from "vitest";
import { TestClient } from "./test/harness.js";
import { createWsRouter } from "./ws-router.js";

let app: App | undefined;

afterEach(async () => {
  await app?.stop({ timeout: 3000 });
  app = undefined;
});

describe("attached to the @wego/http router", () => {
  it("shares its port: HTTP routes and WebSocket frames reach the same handlers; stop closes both", async () => {
    const a = createApp({ name: "attach-http", logger: false, config: { env: {}, argv: [] } });
    app = a;
    a.handler("hello", async (ctx) => ({ hello: (ctx.request as { name?: string }).name ?? "world", via: ctx.transport }));
    const http = createHttpRouter({ port: 0, host: "127.0.0.1" }).post("/hello", "hello");
    const ws = createWsRouter({ attach: http }).route("hello", "hello");
    a.router("http", http).router("ws", ws);
    await a.start();
    expect(ws.port).toBe(http.port);

    const res = await fetch(`http://127.0.0.1:${http.port}/hello`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "http" }),
    });
    expect(((await res.json()) as { data: unknown }).data).toEqual({ hello: "http", via: "http" });

    const c = await TestClient.open(`ws://127.0.0.1:${http.port}/ws`);
    expect((await c.request("hello", { name: "ws" })).data).toEqual({ hello: "ws", via: "ws" });

    await a.stop({ timeout: 3000 });
    expect((await c.closed).code).toBe(1001);
    await expect(fetch(`http://127.0.0.1:${http.port}/hello`, { method: "POST" })).rejects.toThrow();
  });
});
