// The HTTP client resolving a service name through a registry: three real apps register themselves
// (createRegistration), the client calls `http://orders`, balancing over what the registry's watch says,
// retrying on the next instance, following session keys and canary rules.
import { type App, createStaticRegistry, type Registry, strategies } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { startInstance, tally } from "../../../test/support/instances.ts";
import { createHttpClient, type HttpClient } from "./http-client.js";
import { createHttpRouter } from "./http-router.js";

const apps: App[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const a of apps.splice(0)) await a.stop({ timeout: 1000 });
});

const instance = async (registry: Registry, id: string, version = "1"): Promise<App> => {
  const app = await startInstance(registry, id, version, "http", createHttpRouter({ port: 0 }).get("/who", "who"));
  apps.push(app);
  return app;
};

const three = async (registry: Registry) => [
  await instance(registry, "a"),
  await instance(registry, "b"),
  await instance(registry, "c", "2"),
];
const client = (o: Parameters<typeof createHttpClient>[0]) => {
  const c = createHttpClient({ breaker: false, backoffMs: 1, ...o });
  clients.push(c);
  return c;
};

describe("HTTP client with a registry", () => {
  it("http://orders reaches all three instances round robin, and stops sending to one that deregistered", async () => {
    const registry = createStaticRegistry();
    const [, b] = await three(registry);
    const orders = client({ baseUrls: "http://orders", registry });
    expect(tally(await Promise.all(Array.from({ length: 30 }, () => orders.get<string>("/who"))))).toEqual({ a: 10, b: 10, c: 10 });
    await b?.stop({ timeout: 1000 });
    const after = [];
    for (let i = 0; i < 20; i++) after.push(await orders.get<string>("/who"));
    expect(tally(after)).toEqual({ a: 10, c: 10 });
  });

  it("an instance that died without deregistering: idempotent calls see no failure (retry on the next instance)", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    // Stop "a"'s server but leave it in the registry, as after kill -9 before its lease expired.
    const dead = (await registry.instances("orders")).find((i) => i.id === "a");
    const survivors = createStaticRegistry((await registry.instances("orders")).map((i) => i));
    await apps[0]?.stop({ timeout: 1000 });
    expect((await survivors.instances("orders")).map((i) => i.id)).toContain(dead?.id);
    const orders = client({ service: "orders", registry: survivors, retries: 1 });
    const got = await Promise.all(Array.from({ length: 60 }, () => orders.get<string>("/who")));
    expect(Object.keys(tally(got)).sort()).toEqual(["b", "c"]);
  });

  it("session sticky: each key stays on one instance", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    const orders = client({ baseUrls: "http://orders", registry, discovery: { strategy: strategies.sessionSticky() } });
    for (const key of ["u1", "u2", "u3", "u4"]) {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add(await orders.get<string>("/who", { sessionKey: key }));
      expect(seen.size).toBe(1);
    }
  });

  it("canary: x-canary: 1 goes to version 2 only", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    const orders = client({
      baseUrls: "http://orders",
      registry,
      discovery: { rules: [{ match: { headers: { "x-canary": "1" } }, routes: [{ weight: 1, version: "2" }] }] },
    });
    const got = await Promise.all(Array.from({ length: 20 }, () => orders.get<string>("/who", { headers: { "x-canary": "1" } })));
    expect(tally(got)).toEqual({ c: 20 });
  });
});
