import { createApp } from "@wego/core";
import { Etcd3 } from "etcd3";
import { afterAll, describe, expect, it } from "vitest";
import { createEtcdConfigSource, etcdConfig } from "./etcd-config-source.js";

// Every test works under its own prefix of the shared etcd (127.0.0.1:2379, scripts/services.sh) and deletes it.
const root = `/wego-test/etcd/${Date.now()}-${Math.random().toString(36).slice(2)}/`;
const admin = new Etcd3({ hosts: "127.0.0.1:2379" });
afterAll(async () => {
  await admin.delete().prefix(root);
  admin.close();
});

const waitFor = async (ok: () => boolean) => {
  const t0 = Date.now();
  while (!ok() && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 5));
  return Date.now() - t0;
};

describe("createEtcdConfigSource", () => {
  it("loads the keys under its prefix as dotted config paths (JSON values, else text), longer paths refining shorter ones", async () => {
    const prefix = `${root}load/`;
    await admin.put(`${prefix}governance`).value(JSON.stringify({ markers: { a: { handler: "x" } } }));
    await admin.put(`${prefix}governance.markers.b`).value(JSON.stringify({ transport: "http" }));
    await admin.put(`${prefix}log.level`).value("warn");
    await admin.put(`${root}other/log.level`).value("debug");
    const trees: unknown[] = [];
    const source = createEtcdConfigSource({ prefix });
    await source.start((t) => trees.push(t));
    expect(trees[0]).toEqual({ governance: { markers: { a: { handler: "x" }, b: { transport: "http" } } }, log: { level: "warn" } });
    await source.close();
  });

  it("pushes puts and deletes within a second, and misses nothing between the load and the watch", async () => {
    const prefix = `${root}watch/`;
    const trees: Array<Record<string, unknown>> = [];
    const source = createEtcdConfigSource({ prefix });
    await source.start((t) => trees.push(t));
    const t0 = Date.now();
    await admin.put(`${prefix}a`).value("1");
    await waitFor(() => trees.length === 2);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(trees[1]).toEqual({ a: 1 });
    await admin.delete().key(`${prefix}a`);
    await waitFor(() => trees.length === 3);
    expect(trees[2]).toEqual({});
    await source.close();
  });

  it("as a provider, layers etcd over the app's config before the routers start, and closes at stop", async () => {
    const prefix = `${root}provider/`;
    await admin.put(`${prefix}greeting.text`).value('"from etcd"');
    const app = createApp({ logger: false, config: { env: {}, argv: [], defaults: { greeting: { text: "default" } } } });
    app.provider(etcdConfig({ prefix }));
    await app.start();
    expect(app.config.get("greeting.text", "")).toBe("from etcd");
    expect(app.config.source("greeting.text")).toBe("remote");
    const seen: unknown[] = [];
    app.config.watch("greeting.text", (v) => seen.push(v));
    await admin.put(`${prefix}greeting.text`).value('"changed"');
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual(["changed"]);
    await app.stop({ timeout: 500 });
  });
});
