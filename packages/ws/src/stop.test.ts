import { afterEach, describe, expect, it } from "vitest";
import { deferred, type Started, sleep, startWs, TestClient } from "./test/harness.js";

let started: Started | undefined;

afterEach(async () => {
  await started?.stop();
  started = undefined;
});

describe("graceful stop", () => {
  it("stops accepting, lets in-flight frames answer, refuses new ones, then closes with 1001", async () => {
    const gate = deferred();
    const entered = deferred();
    started = await startWs(
      (app) => {
        app.handler("slow", async () => {
          entered.resolve();
          await gate.promise;
          return "done";
        });
        app.handler("echo", async (ctx) => ctx.request);
      },
      ["slow", "echo"],
    );
    const c = await TestClient.open(started.url);
    const slow = c.request("slow", {});
    await entered.promise;
    const stopping = started.app.stop({ timeout: 5000 });
    await sleep(30);
    // No new connections…
    await expect(TestClient.open(started.url)).rejects.toBeDefined();
    // …and no new work on open ones; the connection itself stays up.
    expect(await c.request("echo", {})).toMatchObject({ code: "unavailable" });
    expect(c.ws.readyState).toBe(1);
    gate.resolve();
    expect(await slow).toMatchObject({ code: "ok", data: "done" });
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    await stopping;
    expect(started.router.connections).toBe(0);
    started = undefined;
  });

  it("serves frames that flow control had queued when stop began (they had arrived)", async () => {
    const gate = deferred();
    let entered = 0;
    started = await startWs(
      (app) =>
        app.handler("slow", async (ctx) => {
          entered++;
          await gate.promise;
          return ctx.request;
        }),
      ["slow"],
      { maxInFlight: 1 },
    );
    const c = await TestClient.open(started.url);
    // One runs, two wait in the connection's queue.
    const replies = [1, 2, 3].map((n) => c.request("slow", { n }));
    await sleep(50);
    expect(entered).toBe(1);
    const stopping = started.app.stop({ timeout: 5000 });
    await sleep(30);
    gate.resolve();
    expect(await Promise.all(replies)).toMatchObject([1, 2, 3].map((n) => ({ code: "ok", data: { n } })));
    expect((await c.closed).code).toBe(1001);
    await stopping;
    started = undefined;
  });

  it("at the stop deadline answers the running frame and the queued ones unavailable, then closes with 1001", async () => {
    let entered = 0;
    started = await startWs(
      (app) =>
        app.handler("stuck", () => {
          entered++;
          // Ignores its signal: only the deadline can end it.
          return new Promise(() => {});
        }),
      ["stuck"],
      { maxInFlight: 1 },
    );
    const c = await TestClient.open(started.url);
    const replies = [1, 2, 3].map((n) => c.request("stuck", { n }));
    await sleep(50);
    const t0 = Date.now();
    await started.app.stop({ timeout: 200 });
    const [running, ...queued] = await Promise.all(replies);
    expect(running).toMatchObject({ code: "unavailable", reason: "WEGO_ERR_SHUTDOWN_DEADLINE" });
    for (const q of queued) expect(q).toMatchObject({ code: "unavailable" });
    expect(entered).toBe(1);
    expect((await c.closed).code).toBe(1001);
    expect(Date.now() - t0).toBeLessThan(2000);
    started = undefined;
  });

  it("aborts handlers of a peer that disconnects, through ctx.signal", async () => {
    const aborted = deferred<string>();
    const entered = deferred();
    started = await startWs(
      (app) =>
        app.handler("wait", async (ctx) => {
          entered.resolve();
          await new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => {
              aborted.resolve(String((ctx.signal.reason as Error).message));
              reject(ctx.signal.reason);
            }),
          );
        }),
      ["wait"],
    );
    const c = await TestClient.open(started.url);
    void c.request("wait", {}).catch(() => {});
    await entered.promise;
    c.ws.terminate();
    expect(await aborted.promise).toContain("client disconnected");
  });

  it("terminates peers that ignore the close handshake once closeTimeout passes", async () => {
    started = await startWs(() => {}, [], { closeTimeout: 100 });
    const c = await TestClient.open(started.url);
    // A peer that reads nothing never answers the close frame.
    (c.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();
    const t0 = Date.now();
    await started.app.stop({ timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(started.router.connections).toBe(0);
    started = undefined;
    c.ws.terminate();
  });
});
