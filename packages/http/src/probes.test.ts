import type { App, Router } from "@wego/core";
import { createApp } from "@wego/core";
import { Counter } from "prom-client";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { createHttpRouter } from "./http-router.js";
import { call, serve } from "./test-helpers.js";

describe("health, readiness and metrics", () => {
  it("/health answers 200 serving", async () => {
    const s = await serve(() => {});
    const reply = await s.call("GET", "/health");
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ code: "ok", data: { status: "serving" } });
  });

  it("/ready is 503 while the app starts, 200 when running, 503 when a check fails", async () => {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const router = createHttpRouter({ port: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let listening!: () => void;
    const isListening = new Promise<void>((r) => {
      listening = r;
    });
    // A second router that takes its time to start keeps the app in "starting".
    const slowRouter: Router = {
      async start() {
        listening();
        await gate;
      },
      stop() {},
    };
    let healthy = true;
    app.check("db", () => healthy);
    app.router("http", router).router("slow", slowRouter);
    const agent = new Agent();
    const starting = app.start();
    try {
      await isListening;
      const base = `http://127.0.0.1:${router.port}`;
      const early = await call(agent, base, "GET", "/ready");
      expect(early.status).toBe(503);
      expect(early.json).toMatchObject({
        code: "unavailable",
        reason: "WEGO_ERR_HTTP_NOT_READY",
        details: { ready: false, state: "starting" },
      });
      release();
      await starting;
      const ready = await call(agent, base, "GET", "/ready");
      expect(ready.status).toBe(200);
      expect(ready.json.data).toMatchObject({ ready: true, state: "running", checks: { db: { ok: true } } });
      healthy = false;
      const failing = await call(agent, base, "GET", "/ready");
      expect(failing.status).toBe(503);
      expect(failing.json.details).toMatchObject({ checks: { db: { ok: false } } });
    } finally {
      release();
      await starting.catch(() => {});
      await app.stop({ timeout: 1000 });
      await agent.destroy();
    }
  });

  it("/metrics serves the app's Prometheus registry as text", async () => {
    const s = await serve(() => {});
    const hits = new Counter({ name: "wego_test_hits_total", help: "test counter", registers: [s.app.metrics] });
    hits.inc(3);
    const reply = await s.call("GET", "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toContain("text/plain");
    expect(reply.text).toContain("# TYPE wego_test_hits_total counter");
    expect(reply.text).toContain("wego_test_hits_total 3");
  });

  it("each probe can be moved or switched off, in code or in config", async () => {
    const s = await serve(() => {}, { health: "/livez", metrics: false });
    expect((await s.call("GET", "/livez")).status).toBe(200);
    expect((await s.call("GET", "/health")).status).toBe(404);
    expect((await s.call("GET", "/metrics")).status).toBe(404);
    const c = await serve(() => {}, {}, { config: { env: { WEGO_HTTP_READY: "false", WEGO_HTTP_HEALTH: "/hz" }, argv: [] } });
    expect((await c.call("GET", "/ready")).status).toBe(404);
    expect((await c.call("GET", "/hz")).status).toBe(200);
  });

  it("an app route on a probe's path wins over the probe", async () => {
    const s = await serve((r, app: App) => {
      app.handler("mine", async () => "my health");
      r.get("/health", "mine");
    });
    expect((await s.call("GET", "/health")).json.data).toBe("my health");
  });
});
