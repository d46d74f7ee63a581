// The etcd registry against the shared etcd (127.0.0.1:2379, scripts/services.sh), each test under its own prefix.
import { spawn } from "node:child_process";
import { Config, createStaticRegistry, type ServiceInstance } from "@wego/core";
import { createServiceBalancer } from "@wego/core/transport";
import { Etcd3 } from "etcd3";
import { afterAll, describe, expect, it } from "vitest";
import { createEtcdConfigSource } from "./etcd-config-source.js";
import { createEtcdRegistry } from "./etcd-registry.js";

const root = `/wego-test/registry/${Date.now()}-${Math.random().toString(36).slice(2)}/`;
const admin = new Etcd3({ hosts: "127.0.0.1:2379" });
afterAll(async () => {
  await admin.delete().prefix(root);
  admin.close();
});

const inst = (id: string): ServiceInstance => ({ service: "orders", id, version: "1", endpoints: { http: `http://${id}:1` } });
const ids = (l: ServiceInstance[]) => l.map((i) => i.id).sort();
const waitFor = async (ok: () => boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!ok() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 5));
  return Date.now() - t0;
};

describe("createEtcdRegistry", () => {
  it("registers, lists and deregisters; a watcher learns of each at once", async () => {
    const prefix = `${root}basic/`;
    const a = createEtcdRegistry({ prefix });
    const b = createEtcdRegistry({ prefix });
    const seen: string[][] = [];
    await a.register(inst("a"));
    const off = await b.watch("orders", (l) => seen.push(ids(l)));
    await b.register(inst("b"));
    expect(await waitFor(() => seen.length >= 2)).toBeLessThan(1000);
    await a.deregister(inst("a"));
    expect(await waitFor(() => seen.length >= 3)).toBeLessThan(1000);
    expect(seen).toEqual([["a"], ["a", "b"], ["b"]]);
    expect(ids(await a.instances("orders"))).toEqual(["b"]);
    off();
    await a.close();
    await b.close();
  });

  it("a killed instance (kill -9, no deregister) disappears when its lease expires; one that renews stays", async () => {
    const prefix = `${root}lease/`;
    const alive = createEtcdRegistry({ prefix, ttlSeconds: 2 });
    const watcher = createEtcdRegistry({ prefix });
    await alive.register(inst("alive"));
    // Another process registers, then is killed: its keepalives stop without a revoke.
    const child = spawn(process.execPath, ["--input-type=module", "-e", crashingInstance(prefix)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    let now: string[] = [];
    await watcher.watch("orders", (l) => {
      now = ids(l);
    });
    expect(now).toEqual(["alive", "crashed"]);
    child.kill("SIGKILL");
    const t0 = Date.now();
    await waitFor(() => now.length === 1, 6000);
    const gone = Date.now() - t0;
    expect(now).toEqual(["alive"]);
    // Gone with the lease (TTL 2 s from the last keepalive), not at once and not never.
    expect(gone).toBeGreaterThan(300);
    expect(gone).toBeLessThan(4000);
    await alive.close();
    await watcher.close();
  });
});

describe("canary route rules from etcd", () => {
  it("a balancer's rules follow a config key changed in etcd, live; a bad list is refused", async () => {
    const prefix = `${root}rules/`;
    const config = new Config({ env: {}, argv: [] });
    config.useLog({ warn() {}, info() {} });
    const source = createEtcdConfigSource({ prefix });
    await config.attach(source);
    const registry = createStaticRegistry([
      { service: "orders", id: "v1", version: "1", endpoints: { http: "http://v1:1" } },
      { service: "orders", id: "v2", version: "2", endpoints: { http: "http://v2:1" } },
    ]);
    const b = createServiceBalancer({ registry, service: "orders", transport: "http", rulesFrom: { config, key: "routeRules.orders" } });
    await b.ready();
    const ids = () => new Set(Array.from({ length: 20 }, () => b.pick().instance.id));
    expect([...ids()].sort()).toEqual(["v1", "v2"]);
    await admin.put(`${prefix}routeRules.orders`).value(JSON.stringify([{ routes: [{ weight: 1, version: "2" }] }]));
    const took = await waitFor(() => ids().size === 1);
    expect([...ids()]).toEqual(["v2"]);
    expect(took).toBeLessThan(1000);
    await admin.put(`${prefix}routeRules.orders`).value(JSON.stringify([{ routes: "not a list" }]));
    await new Promise((r) => setTimeout(r, 300));
    expect([...ids()]).toEqual(["v2"]);
    b.close();
    await source.close();
  });
});

/** A process that registers instance "crashed" (TTL 2 s) with this package's code, says so, and waits to be killed. */
function crashingInstance(prefix: string): string {
  const src = new URL("./etcd-registry.ts", import.meta.url).pathname;
  return `import { createEtcdRegistry } from ${JSON.stringify(src)};
const r = createEtcdRegistry({ prefix: ${JSON.stringify(prefix)}, ttlSeconds: 2 });
await r.register({ service: "orders", id: "crashed", endpoints: { http: "http://crashed:1" } });
process.stdout.write("registered\\n");
setInterval(() => {}, 1000);`;
}
