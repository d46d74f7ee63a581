// The gRPC client resolving a service through a registry: three real apps register their gRPC endpoint,
// the client balances over them, retries on the next instance when one died, and follows canary rules.
import { type App, createStaticRegistry, type Registry } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { startInstance, tally } from "../../../test/support/instances.ts";
import { createGrpcClient, type GrpcClient } from "./grpc-client.js";
import { createGrpcRouter } from "./grpc-router.js";

const apps: App[] = [];
const clients: GrpcClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const a of apps.splice(0)) await a.stop({ timeout: 1000 });
});

const instance = async (registry: Registry, id: string, version = "1"): Promise<App> => {
  const app = await startInstance(registry, id, version, "grpc", createGrpcRouter({ port: 0, host: "127.0.0.1" }).route("who", "who"));
  apps.push(app);
  return app;
};
const three = async (registry: Registry) => [
  await instance(registry, "a"),
  await instance(registry, "b"),
  await instance(registry, "c", "2"),
];
const client = (o: Parameters<typeof createGrpcClient>[0]) => {
  const c = createGrpcClient({ backoffMs: 1, ...o });
  clients.push(c);
  return c;
};

describe("gRPC client with a registry", () => {
  it("http://orders reaches all three instances round robin", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    const orders = client({ baseUrl: "http://orders", registry });
    expect(tally(await Promise.all(Array.from({ length: 30 }, () => orders.call<string>("who"))))).toEqual({ a: 10, b: 10, c: 10 });
  });

  it("an instance that died without deregistering: calls see no failure (retry on the next instance)", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    await apps[0]?.stop({ timeout: 1000 });
    // "a" still listed at an address nothing listens on, as after kill -9 before its lease expired.
    const stale = createStaticRegistry([
      { service: "orders", id: "a", endpoints: { grpc: "http://127.0.0.1:1" } },
      ...(await registry.instances("orders")),
    ]);
    const orders = client({ service: "orders", registry: stale, retries: 1 });
    const got = await Promise.all(Array.from({ length: 60 }, () => orders.call<string>("who")));
    expect(Object.keys(tally(got)).sort()).toEqual(["b", "c"]);
  });

  it("canary: x-canary: 1 goes to version 2 only; session keys stay on one instance", async () => {
    const registry = createStaticRegistry();
    await three(registry);
    const orders = client({
      service: "orders",
      registry,
      discovery: { strategy: "sessionSticky", rules: [{ match: { headers: { "x-canary": "1" } }, routes: [{ weight: 1, version: "2" }] }] },
    });
    const canary = await Promise.all(
      Array.from({ length: 20 }, () => orders.call<string>("who", undefined, { meta: { "x-canary": "1" } })),
    );
    expect(tally(canary)).toEqual({ c: 20 });
    for (const key of ["u1", "u2", "u3"]) {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add(await orders.call<string>("who", undefined, { sessionKey: key }));
      expect(seen.size).toBe(1);
    }
  });
});
