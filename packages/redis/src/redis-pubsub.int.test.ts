import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisPubSub, type RedisPubSub } from "./redis-pubsub.js";
import { testClient, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("pubsub");

function inbox() {
  const got: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    got,
    push: (m: string) => {
      got.push(m);
      for (const w of waiters.splice(0)) w();
    },
    async until(n: number, ms = 2000) {
      const deadline = Date.now() + ms;
      while (got.length < n && Date.now() < deadline) await new Promise<void>((r) => waiters.push(r) && setTimeout(r, 50));
      return got;
    },
  };
}

describe("createRedisPubSub", () => {
  let clients: Redis[];
  let buses: RedisPubSub[];
  beforeAll(() => {
    clients = [testClient(), testClient()];
    // Two "instances", each with its own connection.
    buses = clients.map((c) => createRedisPubSub(c, { prefix }));
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("delivers a message published on one instance to subscribers on every instance", async () => {
    const [a, b] = [inbox(), inbox()];
    const offA = await buses[0]!.subscribe("room", a.push);
    const offB = await buses[1]!.subscribe("room", b.push);
    await buses[0]!.publish("room", "hello");
    await buses[1]!.publish("room", "again");
    expect(await a.until(2)).toEqual(["hello", "again"]);
    expect(await b.until(2)).toEqual(["hello", "again"]);
    await offA();
    await offB();
  });

  it("stops delivering after unsubscribe, keeping the channel's other listeners", async () => {
    const [a, b] = [inbox(), inbox()];
    const offA = await buses[0]!.subscribe("chan", a.push);
    const offB = await buses[0]!.subscribe("chan", b.push);
    await buses[1]!.publish("chan", "1");
    await b.until(1);
    await offA();
    await offA(); // twice is harmless
    await buses[1]!.publish("chan", "2");
    expect(await b.until(2)).toEqual(["1", "2"]);
    expect(a.got).toEqual(["1"]);
    await offB();
    await buses[1]!.publish("chan", "3");
    // Subscribed to a control channel published after: once it arrives, "3" would have too.
    const c = inbox();
    const offC = await buses[0]!.subscribe("control", c.push);
    await buses[1]!.publish("control", "x");
    await c.until(1);
    expect(b.got).toEqual(["1", "2"]);
    await offC();
  });

  it("keeps channels apart and resolves concurrent subscribes only once live", async () => {
    const [x, y] = [inbox(), inbox()];
    const [offX, offY] = await Promise.all([buses[0]!.subscribe("x", x.push), buses[0]!.subscribe("x", y.push)]);
    const z = inbox();
    const offZ = await buses[0]!.subscribe("z", z.push);
    await buses[1]!.publish("x", "for-x");
    expect(await x.until(1)).toEqual(["for-x"]);
    expect(await y.until(1)).toEqual(["for-x"]);
    expect(z.got).toEqual([]);
    await Promise.all([offX(), offY(), offZ()]);
  });

  it("prefixes channel names", async () => {
    const raw = testClient();
    const got = inbox();
    await raw.subscribe(`${prefix}raw`);
    raw.on("message", (_c: string, m: string) => got.push(m));
    await buses[0]!.publish("raw", "prefixed");
    expect(await got.until(1)).toEqual(["prefixed"]);
    await raw.quit();
  });
});
