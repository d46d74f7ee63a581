// Discovery across processes: three instances register in etcd (a 2 s lease each, kept alive), a client
// names the service and balances over what the watch says. Under client load: kill -9 of one (no request
// goes to it once its lease expired; idempotent calls see no failure, retried on the next instance), a
// rolling restart (each instance deregisters, then drains: no failed request); a 90/10 canary split within
// a binomial tolerance; sticky sessions.

import { type Strategy, strategies } from "@wego/core";
import { createEtcdRegistry } from "@wego/etcd";
import { createHttpClient, type HttpClient } from "@wego/http";
import { afterAll, describe, expect, it } from "vitest";
import { tally } from "../support/instances.ts";
import { sleep, useCluster } from "./cluster.ts";

const registryPrefix = `/wego-test/cluster-discovery/${Date.now()}-${Math.random().toString(36).slice(2)}/`;
const cluster = useCluster({
  area: "discovery",
  servers: ["registry"],
  config: { "cluster.registry": registryPrefix, "cluster.canary": "C", "cluster.leaseTtl": "2" },
});
const registry = createEtcdRegistry({ prefix: registryPrefix });
afterAll(async () => {
  await registry.client.delete().prefix(registryPrefix);
  await registry.close();
});

/** Round robin that records every pick (instance id, time). */
function recording(): Strategy & { picks: Array<{ id: string; at: number }> } {
  const rr = strategies.roundRobin();
  const picks: Array<{ id: string; at: number }> = [];
  return {
    name: "recording",
    picks,
    pick: (c, r) => {
      const t = rr.pick(c, r);
      picks.push({ id: t.instance.id, at: Date.now() });
      return t;
    },
  };
}

type Hello = { instance: string; pid: number };

/** `loops` callers of GET /hello until `stop()`: answers per instance and failures. */
function load(client: HttpClient, loops = 4) {
  const served: string[] = [];
  const failures: string[] = [];
  let stopping = false;
  const run = async () => {
    while (!stopping) {
      try {
        served.push((await client.get<Hello>("/hello")).instance);
      } catch (err) {
        failures.push(String(err));
      }
      await sleep(5);
    }
  };
  const all = Promise.all(Array.from({ length: loops }, run));
  return {
    served,
    failures,
    stop: async () => {
      stopping = true;
      await all;
    },
  };
}

describe("discovery through etcd, three instances", () => {
  it("discovers all three and balances round robin", async () => {
    cluster();
    const client = createHttpClient({ baseUrls: "http://cluster", registry, retries: 2, backoffMs: 5 });
    const got = await Promise.all(Array.from({ length: 30 }, () => client.get<Hello>("/hello")));
    expect(tally(got.map((h) => h.instance))).toEqual({ A: 10, B: 10, C: 10 });
    await client.close();
  });

  it("a 90/10 canary split within 4 sigma over 2 000 calls; x-canary: 1 goes to version 2 only", async () => {
    cluster();
    const rules = [
      { match: { headers: { "x-canary": "1" } }, routes: [{ weight: 1, version: "2" }] },
      {
        routes: [
          { weight: 90, version: "1" },
          { weight: 10, version: "2" },
        ],
      },
    ];
    const client = createHttpClient({ service: "cluster", registry, discovery: { rules } });
    const n = 2000;
    const got: string[] = [];
    for (let i = 0; i < n; i += 50)
      got.push(...(await Promise.all(Array.from({ length: 50 }, () => client.get<Hello>("/hello")))).map((h) => h.instance));
    const v2 = got.filter((id) => id === "C").length;
    const sd = Math.sqrt(n * 0.1 * 0.9);
    console.log(`canary: ${v2}/${n} to v2 (expected ${n * 0.1} ± ${Math.round(4 * sd)})`);
    expect(Math.abs(v2 - n * 0.1)).toBeLessThanOrEqual(4 * sd);
    const canary = await Promise.all(Array.from({ length: 50 }, () => client.get<Hello>("/hello", { headers: { "x-canary": "1" } })));
    expect(tally(canary.map((h) => h.instance))).toEqual({ C: 50 });
    await client.close();
  });

  it("sticky sessions stay on one instance", async () => {
    cluster();
    const client = createHttpClient({ service: "cluster", registry, discovery: { strategy: "sessionSticky" } });
    const homes = new Set<string>();
    for (const key of ["u1", "u2", "u3", "u4", "u5", "u6"]) {
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) seen.add((await client.get<Hello>("/hello", { sessionKey: key })).instance);
      expect(seen.size).toBe(1);
      homes.add([...seen][0] as string);
    }
    expect(homes.size).toBe(3);
    await client.close();
  });

  it("a rolling restart under load: each instance deregisters, then drains; no request fails", { timeout: 120_000 }, async () => {
    const { instances } = cluster();
    const client = createHttpClient({ service: "cluster", registry, retries: 2, backoffMs: 5, timeoutMs: 5000 });
    const l = load(client);
    await sleep(500);
    for (const inst of instances) {
      await inst.stop("SIGTERM");
      await sleep(200);
      await inst.start();
      await sleep(500);
    }
    await l.stop();
    console.log(`rolling restart: ${l.served.length} requests, ${l.failures.length} failed`, tally(l.served));
    expect(l.failures).toEqual([]);
    expect(Object.keys(tally(l.served)).sort()).toEqual(["A", "B", "C"]);
    await client.close();
  });

  it("kill -9 of one under load: nothing is sent to it once its lease expired; idempotent calls see 0 failures", {
    timeout: 60_000,
  }, async () => {
    const { instances } = cluster();
    const strategy = recording();
    const client = createHttpClient({ service: "cluster", registry, retries: 2, backoffMs: 5, timeoutMs: 3000, discovery: { strategy } });
    let goneAt = 0;
    const off = await registry.watch("cluster", (list) => {
      if (goneAt === 0 && !list.some((i) => i.id === "B")) goneAt = Date.now();
    });
    const l = load(client);
    await sleep(500);
    const killedAt = Date.now();
    await instances[1]?.stop("SIGKILL");
    while (goneAt === 0 && Date.now() - killedAt < 10_000) await sleep(20);
    await sleep(1000);
    await l.stop();
    off();
    const toB = strategy.picks.filter((p) => p.id === "B");
    const afterExpiry = toB.filter((p) => p.at > goneAt).length;
    const meanwhile = toB.filter((p) => p.at > killedAt && p.at <= goneAt).length;
    console.log(
      `kill -9: lease gone ${goneAt - killedAt} ms after the kill; ${meanwhile} attempts went to B meanwhile (retried elsewhere), ${afterExpiry} after; ${l.served.length} requests, ${l.failures.length} failed`,
    );
    expect(goneAt).toBeGreaterThan(0);
    expect(afterExpiry).toBe(0);
    expect(l.failures).toEqual([]);
    await instances[1]?.start();
    await client.close();
  });
});
