import { randomBytes } from "node:crypto";
import { createRedisPubSub, type RedisPubSub } from "@wego/redis";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { open, resetClients, type Started, sleep, startWs } from "./test/harness.js";
import type { WsAuthFn } from "./upgrade-auth.js";
import { wsPeerKey } from "./ws-peer.js";

// Two "instances" (two apps, each with its own Redis connections) sharing a
// channel on the test Redis: what two pods behind a load balancer would do.
const auth: WsAuthFn = (_req, token) => (token ? { userId: token } : {});
const channel = `wego-test:ws:${randomBytes(4).toString("hex")}`;
const redis: Redis[] = [];
const buses: RedisPubSub[] = [];
const running: Started[] = [];

afterEach(async () => {
  await resetClients();
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(buses.splice(0).map((b) => b.close()));
  await Promise.all(redis.splice(0).map((r) => r.quit()));
});

async function instance(): Promise<Started> {
  const client = new Redis(process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 3 });
  const bus = createRedisPubSub(client);
  redis.push(client);
  buses.push(bus);
  const s = await startWs((app) => app.handler("me", async (ctx) => ctx.get(wsPeerKey)?.id), ["me"], { auth, pubsub: bus, channel });
  running.push(s);
  return s;
}

const isPush = (topic: string) => (m: unknown) => (m as { route?: string }).route === topic;

describe("broadcast across instances through @wego/redis", () => {
  it("a push published on one instance reaches clients connected to the other", async () => {
    const [one, two] = [await instance(), await instance()];
    const alice = await open(two.url, { headers: { authorization: "Bearer alice" } });
    const bob = await open(one.url, { headers: { authorization: "Bearer bob" } });
    const aliceId = (await alice.request("me")).data as string;

    await one.router.sendToUser("alice", { route: "dm", data: "hi" });
    expect(await alice.next(isPush("dm"))).toEqual({ route: "dm", data: "hi" });

    await one.router.join(aliceId, "ops");
    await sleep(50);
    await one.router.sendToRoom("ops", { route: "ops" });
    await alice.next(isPush("ops"));

    await two.router.broadcast({ route: "all" });
    await alice.next(isPush("all"));
    await bob.next(isPush("all"));
    await sleep(100);
    expect(bob.received.some(isPush("dm"))).toBe(false);
    expect(bob.received.some(isPush("ops"))).toBe(false);
  });
});
