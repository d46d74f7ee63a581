import type { Socket } from "node:net";
import { filters } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, open, resetClients, type Started, sleep, startWs, type TestClient } from "./test/harness.js";

let started: Started | undefined;
/** The client's TCP socket: pausing it makes the client stop reading, like a stalled browser tab. */
const socketOf = (c: TestClient): Socket => (c.ws as unknown as { _socket: Socket })._socket;

afterEach(async () => {
  await resetClients();
  await started?.stop();
  started = undefined;
});

const big = "x".repeat(100_000);

describe("heartbeat", () => {
  it("drops a peer that stops answering pings and keeps one that answers", async () => {
    started = await startWs(() => {}, [], { heartbeatInterval: 80 });
    const alive = await open(started.url);
    const silent = await open(started.url, { autoPong: false });
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated: no close handshake with a dead peer
    await sleep(250);
    expect(alive.ws.readyState).toBe(1);
    expect(started.router.connections).toBe(1);
  });
});

describe("backpressure", () => {
  it("stops taking frames from a peer that does not read its replies, and catches up once it reads", async () => {
    let calls = 0;
    started = await startWs(
      (app) =>
        app.handler("big", async () => {
          calls++;
          return big;
        }),
      ["big"],
      { sendHighWater: 64 * 1024, sendLimit: 256 * 1024 * 1024 },
    );
    const c = await open(started.url);
    socketOf(c).pause();
    const replies = Array.from({ length: 300 }, () => c.request("big", {}));
    // Far more than the kernel's socket buffers hold: the server must stall.
    await eventually(() => calls > 0);
    await sleep(300);
    const stalled = calls;
    await sleep(200);
    expect(calls).toBe(stalled);
    expect(stalled).toBeLessThan(300);
    socketOf(c).resume();
    const all = await Promise.all(replies);
    expect(all.every((r) => r.code === "ok" && r.data === big)).toBe(true);
    expect(calls).toBe(300);
  });

  it("closes a peer whose send buffer passes sendLimit; a reading peer gets every push", async () => {
    started = await startWs(() => {}, [], { sendHighWater: 64 * 1024, sendLimit: 1024 * 1024, closeTimeout: 200 });
    const stalled = await open(started.url);
    const reader = await open(started.url);
    socketOf(stalled).pause();
    for (let i = 0; i < 150; i++) {
      await started.router.broadcast({ route: "feed", data: { i, big } });
      if (i % 10 === 0) await sleep(5);
    }
    await eventually(() => started?.router.connections === 1, 5000);
    await eventually(() => reader.received.length === 150, 5000);
    expect((reader.received.at(-1) as { data: { i: number } }).data.i).toBe(149);
    expect(reader.ws.readyState).toBe(1);
  });
});

describe("handlers that finish synchronously", () => {
  it("are answered in the same turn, and a queue of them behind slow calls drains completely, each reply with its id", async () => {
    started = await startWs(
      (app) => {
        app.handler(
          "slow",
          filters.create(async (ctx) => {
            await sleep(30);
            ctx.response("slow", true);
          }),
        );
        app.handler(
          "fast",
          filters.create((ctx) => {
            ctx.response("n", (ctx.request as { n: number }).n);
          }),
        );
      },
      ["slow", "fast"],
      { maxInFlight: 2 },
    );
    const c = await open(started.url);
    // Two slow calls fill the connection's slots: the fast ones queue behind them, reading pauses.
    const slow = [c.request("slow", {}), c.request("slow", {})];
    const fast = Array.from({ length: 2000 }, (_, n) => c.request("fast", { n }));
    const replies = await Promise.all(fast);
    expect(replies.map((r) => (r.data as { n: number }).n)).toEqual(Array.from({ length: 2000 }, (_, n) => n));
    expect((await Promise.all(slow)).every((r) => r.code === "ok")).toBe(true);
    expect(started.router.connections).toBe(1);
  });
});
