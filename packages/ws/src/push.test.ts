import { afterEach, describe, expect, it } from "vitest";
import { createMemoryPubSub } from "./memory-pub-sub.js";
import { eventually, open, resetClients, type Started, sleep, startWs, type TestClient } from "./test/harness.js";
import type { WsAuthFn } from "./upgrade-auth.js";
import { wsPeerKey } from "./ws-peer.js";
import type { WsRouterOptions } from "./ws-router.js";

const running: Started[] = [];
afterEach(async () => {
  await resetClients();
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

// The token is the user id: enough to put several users on one server.
const auth: WsAuthFn = (_req, token) => (token ? { userId: token } : {});

async function server(options: WsRouterOptions = {}): Promise<Started> {
  const s = await startWs(
    (app) => {
      app.handler("me", async (ctx) => ctx.get(wsPeerKey)?.id);
      app.handler("join", async (ctx) => {
        ctx.get(wsPeerKey)?.join((ctx.request as { room: string }).room);
        return true;
      });
    },
    ["me", "join"],
    { auth, ...options },
  );
  running.push(s);
  return s;
}

async function connect(s: Started, user?: string): Promise<TestClient & { id: string }> {
  const c = await open(s.url, user ? { headers: { authorization: `Bearer ${user}` } } : {});
  const id = (await c.request("me")).data as string;
  return Object.assign(c, { id });
}

const isPush = (topic: string) => (m: unknown) => (m as { route?: string; id?: unknown }).route === topic && !("id" in (m as object));

/** Wait briefly, then say whether `c` got a push on `topic`. */
async function got(c: TestClient, topic: string): Promise<boolean> {
  await sleep(60);
  return c.received.some(isPush(topic));
}

describe("push on one instance", () => {
  it("sends to every connection of a user and to no one else", async () => {
    const s = await server();
    const [a1, a2, b] = [await connect(s, "alice"), await connect(s, "alice"), await connect(s, "bob")];
    await s.router.sendToUser("alice", { route: "note", data: { text: "hi alice" } });
    expect(await a1.next(isPush("note"))).toEqual({ route: "note", data: { text: "hi alice" } });
    expect(await a2.next(isPush("note"))).toEqual({ route: "note", data: { text: "hi alice" } });
    expect(await got(b, "note")).toBe(false);
  });

  it("sends to a room joined from a handler or by id, and stops after leave or disconnect", async () => {
    const s = await server();
    const [a, b, c] = [await connect(s, "a"), await connect(s, "b"), await connect(s, "c")];
    await a.request("join", { room: "lobby" });
    await s.router.join(b.id, "lobby");
    await s.router.sendToRoom("lobby", { route: "r1" });
    await a.next(isPush("r1"));
    await b.next(isPush("r1"));
    expect(await got(c, "r1")).toBe(false);

    await s.router.leave(b.id, "lobby");
    await s.router.sendToRoom("lobby", { route: "r2" });
    await a.next(isPush("r2"));
    expect(await got(b, "r2")).toBe(false);

    await a.close();
    await eventually(() => s.router.connections === 2);
    await s.router.sendToRoom("lobby", { route: "r3" });
    expect(await got(b, "r3")).toBe(false);
  });

  it("sends to one connection by id, broadcasts to all, and sends strings as they are", async () => {
    const s = await server();
    const [a, b] = [await connect(s), await connect(s)];
    await s.router.sendTo(b.id, { route: "only-b" });
    await b.next(isPush("only-b"));
    expect(await got(a, "only-b")).toBe(false);
    await s.router.broadcast('{"route":"all","data":1}');
    expect(await a.next(isPush("all"))).toEqual({ route: "all", data: 1 });
    expect(await b.next(isPush("all"))).toEqual({ route: "all", data: 1 });
    await expect(s.router.broadcast(() => {})).rejects.toMatchObject({ reason: "WEGO_ERR_WS_PUSH_INVALID" });
  });
});

describe("push across instances through a PubSub", () => {
  it("reaches users, rooms and connections on the other instance, and broadcasts to both", async () => {
    const bus = createMemoryPubSub();
    const one = await server({ pubsub: bus });
    // The function form, called at start with the app (for brokers on a provider's connection).
    const given: unknown[] = [];
    const two = await server({
      pubsub: (app) => {
        given.push(app);
        return bus;
      },
    });
    expect(given).toHaveLength(1);
    expect(typeof (given[0] as { handler?: unknown }).handler).toBe("function"); // the app itself
    const onOne = await connect(one, "alice");
    const onTwo = await connect(two, "alice");
    const bobOnTwo = await connect(two, "bob");

    await one.router.sendToUser("alice", { route: "u" });
    await onOne.next(isPush("u"));
    await onTwo.next(isPush("u"));
    expect(await got(bobOnTwo, "u")).toBe(false);

    // A join issued on instance one for a connection living on instance two.
    await one.router.join(bobOnTwo.id, "ops");
    await sleep(20);
    await one.router.sendToRoom("ops", { route: "o" });
    await bobOnTwo.next(isPush("o"));
    expect(await got(onTwo, "o")).toBe(false);

    await one.router.sendTo(bobOnTwo.id, { route: "direct" });
    await bobOnTwo.next(isPush("direct"));

    await two.router.broadcast({ route: "everyone" });
    for (const c of [onOne, onTwo, bobOnTwo]) await c.next(isPush("everyone"));
    // Delivered once each, not once per instance.
    await sleep(50);
    expect(onOne.received.filter(isPush("everyone"))).toHaveLength(0);
  });

  it("keeps instances with different channels apart", async () => {
    const bus = createMemoryPubSub();
    const one = await server({ pubsub: bus, channel: "tenant-a" });
    const two = await server({ pubsub: bus, channel: "tenant-b" });
    const c = await connect(two, "alice");
    await one.router.sendToUser("alice", { route: "leak" });
    expect(await got(c, "leak")).toBe(false);
  });
});
