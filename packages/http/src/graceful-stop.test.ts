import { connect } from "node:net";
import { type App, createApp } from "@wego/core";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpRouter, type HttpRouter } from "./http-router.js";

function gate(): { wait: Promise<void>; open: () => void; entered: Promise<void>; enter: () => void } {
  let open!: () => void;
  let enter!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  const entered = new Promise<void>((r) => {
    enter = r;
  });
  return { wait, open, entered, enter };
}

describe("graceful stop", () => {
  let app: App;
  let router: HttpRouter;
  let agent: Agent;
  let g: ReturnType<typeof gate>;

  async function setup(keepAliveTimeout = 30_000): Promise<string> {
    g = gate();
    app = createApp({ logger: false, production: true, config: { env: {}, argv: [] } });
    app.handler("slow", async () => {
      g.enter();
      await g.wait;
      return "finished";
    });
    app.handler("fast", async () => "fast");
    router = createHttpRouter({ port: 0, keepAliveTimeout }).get("/slow", "slow").get("/fast", "fast");
    app.router("http", router);
    await app.start();
    agent = new Agent({ connections: 4 });
    return `http://127.0.0.1:${router.port}`;
  }

  afterEach(async () => {
    g?.open();
    await app?.stop({ timeout: 500 });
    await agent?.destroy();
  });

  it("finishes the request in flight, closing its connection, and refuses new connections", async () => {
    const base = await setup();
    const inflight = request(`${base}/slow`, { dispatcher: agent });
    await g.entered;
    const stopping = app.stop({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    await expect(request(`${base}/fast`, { dispatcher: new Agent() })).rejects.toThrow(/ECONNREFUSED|other side closed|SocketError/);
    g.open();
    const res = await inflight;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe("close");
    expect(((await res.body.json()) as { data: string }).data).toBe("finished");
    await stopping;
    expect(app.state).toBe("stopped");
  });

  it("answers (not resets) a request that arrives on an idle keep-alive connection just after stop began", async () => {
    await setup(60_000);
    const socket = connect(router.port as number, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      text += d;
    });
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    socket.write("GET /fast HTTP/1.1\r\nhost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));
    expect(text).toMatch(/^HTTP\/1.1 200/);
    const stopping = app.stop({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 100));
    // The client reuses its idle connection while the server drains: answered with a clean
    // refusal that says no handler ran (so any client may send it elsewhere), not a reset.
    socket.write("GET /fast HTTP/1.1\r\nhost: x\r\n\r\n");
    await closed;
    const answers = text.split("HTTP/1.1 ").slice(1);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatch(/^503/);
    expect(answers[1]).toContain('"reason":"WEGO_ERR_APP_STOPPING"');
    expect(answers[1]?.toLowerCase()).toContain("connection: close");
    await stopping;
  });

  it("closes idle keep-alive connections after the drainIdle grace instead of waiting for their timeout", async () => {
    const base = await setup(60_000);
    const warm = await request(`${base}/fast`, { dispatcher: agent });
    await warm.body.text();
    // A raw idle keep-alive connection too: it must be closed by the server.
    const socket = connect(router.port as number, "127.0.0.1");
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    socket.resume(); // read (and drop) the answer, so the end of the stream is seen
    socket.write("GET /fast HTTP/1.1\r\nhost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await app.stop({ timeout: 10_000 });
    await closed;
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("at the deadline answers what is still running with 503 and closes the connections", async () => {
    const base = await setup();
    const inflight = request(`${base}/slow`, { dispatcher: agent });
    await g.entered;
    const t0 = Date.now();
    const stopping = app.stop({ timeout: 300 });
    const res = await inflight;
    expect(res.statusCode).toBe(503);
    expect(await res.body.json()).toMatchObject({ code: "unavailable", reason: "WEGO_ERR_HTTP_SHUTDOWN" });
    await stopping;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
  });
});
