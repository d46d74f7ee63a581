// The registry port's implementations (static list, DNS A/SRV against a DNS server on 127.0.0.1) and the
// app's registration: registered once the routers started, deregistered before any router drains.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import type { ServiceInstance } from "../ports.js";
import type { Router } from "../router.js";
import { createDnsRegistry } from "./dns-registry.js";
import { createRegistration } from "./registration.js";
import { createStaticRegistry } from "./static-registry.js";
import { startTestDns, type TestDns } from "./test-dns-server.js";

const inst = (id: string, version = "1"): ServiceInstance => ({ service: "orders", id, version, endpoints: { http: `http://${id}:1` } });
const ids = (list: ServiceInstance[]) => list.map((i) => i.id).sort();

describe("static registry", () => {
  it("lists the given instances and tells watchers of each register and deregister", async () => {
    const r = createStaticRegistry([inst("a"), inst("b")]);
    const seen: string[][] = [];
    const off = await r.watch("orders", (l) => seen.push(ids(l)));
    await r.register(inst("c"));
    await r.deregister(inst("a"));
    off();
    await r.register(inst("d"));
    expect(seen).toEqual([
      ["a", "b"],
      ["a", "b", "c"],
      ["b", "c"],
    ]);
    expect(ids(await r.instances("orders"))).toEqual(["b", "c", "d"]);
    expect(await r.instances("billing")).toEqual([]);
  });
});

describe("DNS registry", () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startTestDns();
  });
  afterAll(() => dns.close());

  it("resolves SRV records to endpoints (best priority only) and A records with a port", async () => {
    dns.srv.set("_http._tcp.orders.shop", [
      { priority: 10, weight: 5, port: 8341, target: "b.orders.shop" },
      { priority: 10, weight: 5, port: 8342, target: "a.orders.shop" },
      { priority: 20, weight: 5, port: 8343, target: "backup.orders.shop" },
    ]);
    dns.a.set("orders.shop", ["10.0.0.8", "10.0.0.7"]);
    const srv = createDnsRegistry({ servers: [dns.server], nameOf: (s) => `_http._tcp.${s}.shop` });
    expect((await srv.instances("orders")).map((i) => i.endpoints.http)).toEqual([
      "http://a.orders.shop:8342",
      "http://b.orders.shop:8341",
    ]);
    const a = createDnsRegistry({
      servers: [dns.server],
      record: "a",
      port: 9341,
      transport: "grpc",
      scheme: "http:",
      nameOf: (s) => `${s}.shop`,
    });
    expect((await a.instances("orders")).map((i) => i.endpoints.grpc)).toEqual(["http://10.0.0.7:9341", "http://10.0.0.8:9341"]);
    await srv.close?.();
    await a.close?.();
  });

  it("a watch polls and tells of a change; a failed lookup keeps the last list", async () => {
    dns.a.set("pay.shop", ["10.0.1.1"]);
    const r = createDnsRegistry({ servers: [dns.server], record: "a", port: 1, pollMs: 30, nameOf: (s) => `${s}.shop` });
    const seen: string[][] = [];
    await r.watch("pay", (l) => seen.push(ids(l)));
    dns.a.set("pay.shop", ["10.0.1.1", "10.0.1.2"]);
    await new Promise((res) => setTimeout(res, 150));
    dns.a.delete("pay.shop");
    await new Promise((res) => setTimeout(res, 150));
    await r.close?.();
    expect(seen).toEqual([["10.0.1.1:1"], ["10.0.1.1:1", "10.0.1.2:1"]]);
  });
});

describe("registration", () => {
  it("registers once the routers started and deregisters before any router drains", async () => {
    const registry = createStaticRegistry();
    const events: string[] = [];
    let port: number | undefined;
    const server: Router = {
      start() {
        port = 4321;
      },
      async stop() {
        events.push(`drain with ${(await registry.instances("orders")).length} registered`);
      },
    };
    const app = createApp({ name: "orders", logger: false, config: { env: {}, argv: [] } });
    app.router("http", server);
    // A remote registry answers after a round trip: the drain must wait for it, not race it.
    const remote = {
      ...registry,
      deregister: (i: ServiceInstance) => new Promise<void>((res) => setTimeout(() => res(registry.deregister(i)), 20)),
    };
    const reg = createRegistration({
      registry: remote,
      version: "2.0.0",
      zone: "z1",
      tags: { canary: "true" },
      endpoints: { http: () => `http://127.0.0.1:${port}` },
    });
    app.router("registry", reg);
    await registry.watch("orders", (l) => events.push(`watch ${l.length}`));
    await app.start();
    expect(reg.instance).toMatchObject({
      service: "orders",
      version: "2.0.0",
      zone: "z1",
      tags: { canary: "true" },
      endpoints: { http: "http://127.0.0.1:4321" },
    });
    await app.stop();
    expect(events).toEqual(["watch 0", "watch 1", "watch 0", "drain with 0 registered"]);
  });
});
