import { request } from "node:http";
import { WegoError } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, eventually, open, resetClients, type Started, sleep, startWs, TestClient } from "./test/harness.js";
import { wsPeerKey } from "./ws-peer.js";

let started: Started | undefined;
afterEach(async () => {
  await resetClients();
  await started?.stop();
  started = undefined;
});

describe("request and reply", () => {
  it("answers each frame with the envelope and the same id, out of order under concurrency", async () => {
    let running = 0;
    let peak = 0;
    started = await startWs(
      (app) =>
        app.handler("echo", async (ctx) => {
          running++;
          peak = Math.max(peak, running);
          const { n, delay } = ctx.request as { n: number; delay: number };
          await sleep(delay);
          running--;
          return { n };
        }),
      ["echo"],
    );
    const c = await open(started.url);
    // Later frames finish first: a reply matched by position would be wrong.
    const replies = await Promise.all(Array.from({ length: 20 }, (_, n) => c.request("echo", { n, delay: 100 - n * 5 })));
    replies.forEach((r, n) => {
      expect(r).toMatchObject({ id: `r${n + 1}`, code: "ok", message: "ok", data: { n } });
      expect(typeof r.requestId).toBe("string");
    });
    expect(peak).toBeGreaterThan(1);
  });

  it("keeps at most maxInFlight handlers running per connection and answers every frame", async () => {
    let running = 0;
    let peak = 0;
    const gate = deferred();
    started = await startWs(
      (app) =>
        app.handler("work", async (ctx) => {
          running++;
          peak = Math.max(peak, running);
          await gate.promise;
          running--;
          return ctx.request;
        }),
      ["work"],
      { maxInFlight: 3 },
    );
    const c = await open(started.url);
    const all = Promise.all(Array.from({ length: 12 }, (_, i) => c.request("work", { i })));
    await eventually(() => running === 3);
    await sleep(50);
    expect(running).toBe(3);
    gate.resolve();
    const replies = await all;
    expect(replies.map((r) => (r.data as { i: number }).i)).toEqual([...Array(12).keys()]);
    expect(peak).toBe(3);
  });

  it("echoes numeric ids, answers id-less frames with null, and takes the caller's requestId", async () => {
    started = await startWs((app) => app.handler("who", async (ctx) => ({ id: ctx.id, transport: ctx.transport })), ["who"]);
    const c = await open(started.url);
    c.sendRaw(JSON.stringify({ id: 7, route: "who", requestId: "trace-1" }));
    const numeric = await c.next<{ id: unknown; data: { id: string }; requestId: string }>((m) => (m as { id: unknown }).id === 7);
    expect(numeric.data).toEqual({ id: "trace-1", transport: "ws" });
    expect(numeric.requestId).toBe("trace-1");
    c.sendRaw(JSON.stringify({ route: "who" }));
    const anonymous = await c.next<{ id: unknown; code: string }>((m) => (m as { id: unknown }).id === null);
    expect(anonymous.code).toBe("ok");
  });

  it("shows the handler its connection through wsPeerKey and lets it push to itself", async () => {
    started = await startWs(
      (app) =>
        app.handler("me", async (ctx) => {
          const peer = ctx.get(wsPeerKey);
          peer?.send({ route: "hello", data: { to: peer.id } });
          return { id: peer?.id, userId: peer?.userId ?? null, address: peer?.remoteAddress };
        }),
      ["me"],
    );
    const c = await open(started.url);
    const reply = await c.request("me", {});
    const data = reply.data as { id: string; userId: null; address: string };
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.userId).toBeNull();
    expect(data.address).toBe("127.0.0.1");
    const pushed = await c.next<{ route: string; data: { to: string } }>((m) => (m as { route?: string }).route === "hello");
    expect(pushed.data.to).toBe(data.id);
  });

  it("answers an application error with an error frame and keeps the connection open", async () => {
    started = await startWs(
      (app) => {
        app.handler("fail", async () => {
          throw new WegoError("not_found", "no such user", { reason: "USER_MISSING", details: { id: 3 } });
        });
        app.handler("crash", async () => {
          throw new Error("db password is hunter2");
        });
        app.handler("ok", async () => "fine");
      },
      ["fail", "crash", "ok"],
      {},
      { production: true },
    );
    const c = await open(started.url);
    const fail = await c.request("fail", {});
    expect(fail).toMatchObject({
      id: "r1",
      code: "not_found",
      message: "no such user",
      data: null,
      reason: "USER_MISSING",
      details: { id: 3 },
    });
    const crash = await c.request("crash", {});
    expect(crash).toMatchObject({ id: "r2", code: "internal", message: "internal error" });
    expect(JSON.stringify(crash)).not.toContain("hunter2");
    expect(await c.request("ok", {})).toMatchObject({ code: "ok", data: "fine" });
    expect(c.ws.readyState).toBe(1);
  });

  it("answers a result that is not JSON-serialisable with an internal error", async () => {
    started = await startWs((app) => app.handler("big", async () => ({ n: 1n })), ["big"]);
    const c = await open(started.url);
    expect(await c.request("big", {})).toMatchObject({ id: "r1", code: "internal" });
  });
});

describe("bad frames", () => {
  async function twoClients() {
    started = await startWs((app) => app.handler("echo", async (ctx) => ctx.request), ["echo"], { maxPayload: 1024, maxInvalidFrames: 3 });
    return [await open(started.url), await open(started.url)] as const;
  }

  it("answers text that is not JSON, or not an object, with an invalid_argument frame and stays open", async () => {
    const [c] = await twoClients();
    c.sendRaw("{not json");
    const notJson = await c.next<{ id: unknown; code: string; reason: string; message: string }>();
    expect(notJson).toMatchObject({ id: null, code: "invalid_argument", reason: "WEGO_ERR_INPUT_NOT_JSON" });
    expect(notJson.message).toContain("not valid JSON");
    c.sendRaw("[1,2]");
    expect(await c.next()).toMatchObject({ id: null, code: "invalid_argument", reason: "WEGO_ERR_WS_FRAME_INVALID" });
    expect(await c.request("echo", { still: 1 })).toMatchObject({ code: "ok", data: { still: 1 } });
  });

  it("answers a frame without a route, with the id it carried", async () => {
    const [c] = await twoClients();
    c.sendRaw(JSON.stringify({ id: "x1", data: {} }));
    const reply = await c.next<{ id: string; code: string; message: string }>();
    expect(reply).toMatchObject({ id: "x1", code: "invalid_argument", reason: "WEGO_ERR_WS_FRAME_INVALID" });
    expect(reply.message).toContain("route");
  });

  it("answers an unknown route with unimplemented", async () => {
    const [c] = await twoClients();
    expect(await c.request("nope", {})).toMatchObject({ id: "r1", code: "unimplemented", reason: "WEGO_ERR_WS_ROUTE_UNKNOWN" });
    expect(c.ws.readyState).toBe(1);
  });

  it("closes with 1009 on a frame over maxPayload; the other connection is untouched", async () => {
    const [c, other] = await twoClients();
    c.sendRaw(JSON.stringify({ id: 1, route: "echo", data: "x".repeat(2000) }));
    expect((await c.closed).code).toBe(1009);
    expect(await other.request("echo", { ok: true })).toMatchObject({ code: "ok" });
  });

  it("closes with 1003 on a binary frame; the other connection is untouched", async () => {
    const [c, other] = await twoClients();
    c.sendRaw(Buffer.from(JSON.stringify({ id: 1, route: "echo" })), true);
    expect((await c.closed).code).toBe(1003);
    expect(await other.request("echo", { ok: true })).toMatchObject({ code: "ok" });
  });

  it("closes with 1007 on text that is not UTF-8", async () => {
    const [c, other] = await twoClients();
    // Send raw bytes as a text frame: the ws client does not validate what it sends.
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    expect(await other.request("echo", {})).toMatchObject({ code: "ok" });
  });

  it("closes with 1008 after more than maxInvalidFrames invalid frames", async () => {
    const [c, other] = await twoClients();
    for (let i = 0; i < 4; i++) c.sendRaw("garbage");
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain("invalid frames");
    // Three were answered before the fourth closed the connection.
    expect(c.received.filter((m) => (m as { code?: string }).code === "invalid_argument")).toHaveLength(3);
    expect(await other.request("echo", {})).toMatchObject({ code: "ok" });
  });
});

describe("the own HTTP server", () => {
  function get(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      request(url, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
  }

  it("answers plain HTTP with 426 and an upgrade on another path with 404", async () => {
    started = await startWs(() => {}, []);
    const base = `http://127.0.0.1:${started.router.port}`;
    expect(await get(`${base}/ws`)).toBe(426);
    await expect(TestClient.open(`ws://127.0.0.1:${started.router.port}/other`)).rejects.toMatchObject({ status: 404 });
  });

  it("fails to start on a port in use, leaving the running router serving", async () => {
    started = await startWs((app) => app.handler("echo", async (ctx) => ctx.request), ["echo"]);
    const second = startWs(() => {}, [], { port: started.router.port as number });
    await expect(second).rejects.toMatchObject({ reason: "WEGO_ERR_ROUTER_START" });
    const c = await open(started.url);
    expect(await c.request("echo", { still: "up" })).toMatchObject({ code: "ok" });
  });

  it("renders replies with the app's envelope (the original wego's, here)", async () => {
    const { legacyEnvelope } = await import("@wego/core");
    started = await startWs(
      (app) => {
        app.handler("echo", async (ctx) => ctx.request);
        app.handler("deny", async () => {
          throw new WegoError("unauthenticated", "token expired", { reason: "9022" });
        });
      },
      ["echo", "deny"],
      {},
      { envelope: legacyEnvelope },
    );
    const c = await open(started.url);
    expect(await c.request("echo", { a: 1 })).toEqual({ id: "r1", ret: 200, code: "0000", data: { a: 1 }, message: "请求成功" });
    expect(await c.request("deny")).toEqual({ id: "r2", ret: 200, code: "9022", data: {}, message: "token expired" });
  });

  it("fails to start on a duplicate route and lists its routes", async () => {
    const { createWsRouter } = await import("./ws-router.js");
    const r = createWsRouter().route("a", "h1");
    expect(() => r.route("a", "h2")).toThrow(/already registered/);
    expect(r.routes?.()).toEqual([{ route: "a", handler: "h1" }]);
  });
});
