import { connect } from "node:net";
import { type App, createApp } from "@wego/core";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpRouter, type HttpRouter } from "./http-router.js";
import { rawClient } from "./test-helpers.js";

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

  async function setup(keepAliveTimeout = 30_000, drainIdle?: number): Promise<string> {
    g = gate();
    app = createApp({ logger: false, production: true, config: { env: {}, argv: [] } });
    app.handler("slow", async () => {
      g.enter();
      await g.wait;
      return "finished";
    });
    app.handler("fast", async () => "fast");
    app.handler("echo", async (ctx) => ctx.request);
    router = createHttpRouter({ port: 0, keepAliveTimeout, ...(drainIdle === undefined ? {} : { drainIdle }) })
      .get("/slow", "slow")
      .get("/fast", "fast")
      .post("/echo", "echo");
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

  it("serves a request that arrives on an idle keep-alive connection during drainIdle, with connection: close", async () => {
    await setup(60_000);
    const socket = rawClient(router.port as number);
    socket.write("GET /fast HTTP/1.1\r\nhost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.text()).toMatch(/^HTTP\/1.1 200/);
    const stopping = app.stop({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 100));
    // The client reuses its idle connection while the server drains: served, and told to go elsewhere next time.
    socket.write("GET /fast HTTP/1.1\r\nhost: x\r\nx-request-id: after-stop\r\n\r\n");
    await socket.ended;
    const answers = socket.text().split("HTTP/1.1 ").slice(1);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatch(/^200/);
    expect(answers[1]).toContain('"data":"fast","requestId":"after-stop"');
    expect(answers[1]?.toLowerCase()).toContain("connection: close");
    await stopping;
  });

  /** Send `begun` on a raw connection, begin stopping, then send `rest`: the server's answer once it closed the connection. */
  async function sendAcrossStop(begun: string, rest: string): Promise<string> {
    const socket = rawClient(router.port as number);
    socket.write(begun);
    await new Promise((r) => setTimeout(r, 50));
    const stopping = app.stop({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 150));
    socket.write(rest);
    await socket.ended;
    await stopping;
    return socket.text();
  }

  it("serves a POST still uploading its body when stop begins (drainIdle 0: dispatch is closed when the body completes)", async () => {
    await setup(60_000, 0);
    const body = JSON.stringify({ uploading: "yes", pad: "x".repeat(200) });
    const head = `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const text = await sendAcrossStop(head + body.slice(0, 20), body.slice(20));
    expect(text).toMatch(/^HTTP\/1.1 200/);
    expect(text).toContain('"data":{"uploading":"yes"');
    expect(text.toLowerCase()).toContain("connection: close");
  });

  it("serves a request whose head was still arriving when stop began", async () => {
    await setup(60_000, 0);
    expect(await sendAcrossStop("GET /fast HTTP/1.1\r\nhost: x\r\n", "\r\n")).toMatch(/^HTTP\/1.1 200/);
  });

  it("at the deadline answers a body still arriving 503 unavailable and closes its connection", async () => {
    await setup(60_000, 0);
    const socket = rawClient(router.port as number);
    socket.write("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{");
    await new Promise((r) => setTimeout(r, 50));
    await app.stop({ timeout: 200 });
    await socket.ended;
    expect(socket.text()).toMatch(/^HTTP\/1.1 503/);
    expect(socket.text()).toContain('"reason":"WEGO_ERR_SHUTDOWN_DEADLINE"');
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
    expect(await res.body.json()).toMatchObject({ code: "unavailable", reason: "WEGO_ERR_SHUTDOWN_DEADLINE" });
    await stopping;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
  });
});
