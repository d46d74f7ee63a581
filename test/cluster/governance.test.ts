// Governance from etcd across the cluster: three instances follow one etcd
// prefix (`--cluster.etcdPrefix`); one `etcdctl put` changes the rate limit
// of `/governed` on all three, without a restart, and a `shared` limit (one
// Redis token bucket) holds for the three together.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createHttpClient } from "@wego/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, useCluster } from "./cluster.ts";

const etcdPrefix = `/wego-test/cluster-gov-${randomBytes(4).toString("hex")}/`;
const etcdctl = (...args: string[]) =>
  execFileSync("etcdctl", ["--endpoints=127.0.0.1:2379", ...args], { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } });
const RATE = 20;
const BURST = 10;
const RUN_MS = 4000;

// Before the instances start: the marker, and the route closed (rate 0) so the change is visible.
beforeAll(() => {
  etcdctl("put", `${etcdPrefix}governance.markers.gov`, JSON.stringify({ handler: "governed" }));
  etcdctl("put", `${etcdPrefix}governance.rateLimit.gov`, JSON.stringify({ rate: 0, shared: true }));
});
afterAll(() => {
  etcdctl("del", "--prefix", etcdPrefix);
});
const cluster = useCluster({ area: "gov", servers: [], config: { "cluster.etcdPrefix": etcdPrefix } });

describe("governance from one etcd source across three instances", () => {
  it("one etcdctl put changes the rate limit on all three within a second", async () => {
    const { instances } = cluster();
    for (const inst of instances) expect((await fetch(`${inst.url}/governed`)).status, `${inst.name} closed`).toBe(429);
    const t0 = Date.now();
    etcdctl("put", `${etcdPrefix}governance.rateLimit.gov`, JSON.stringify({ rate: RATE, burst: BURST, shared: true }));
    const opened = await Promise.all(
      instances.map(async (inst) => {
        for (;;) {
          if ((await fetch(`${inst.url}/governed`)).status === 200) return Date.now() - t0;
          if (Date.now() - t0 > 5000) return Number.POSITIVE_INFINITY;
          await sleep(10);
        }
      }),
    );
    console.info(`governance: etcdctl put applied on A, B, C after ${opened.join(", ")} ms`);
    for (const ms of opened) expect(ms).toBeLessThan(1000);
  });

  it(`a shared limit of ${RATE}/s (burst ${BURST}) holds across the three`, async () => {
    const { instances } = cluster();
    // A fresh marker name is a fresh bucket: what the first case spent does not count here.
    etcdctl(
      "put",
      `${etcdPrefix}governance`,
      JSON.stringify({ markers: { load: { handler: "governed" } }, rateLimit: { load: { rate: RATE, burst: BURST, shared: true } } }),
    );
    etcdctl("del", `${etcdPrefix}governance.markers.gov`);
    etcdctl("del", `${etcdPrefix}governance.rateLimit.gov`);
    await sleep(500);
    const client = createHttpClient({ baseUrls: instances.map((i) => i.url), retries: 0 });
    const admitted = new Map<string, number>();
    let refused = 0;
    const other: string[] = [];
    const start = Date.now();
    const until = start + RUN_MS;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (Date.now() < until) {
          const res = await client.request<{ data?: { instance: string } }>({ path: "/governed" });
          if (res.status === 200) {
            const who = res.body.data?.instance ?? "?";
            admitted.set(who, (admitted.get(who) ?? 0) + 1);
          } else if (res.status === 429) refused++;
          else other.push(`${res.status} from ${res.baseUrl}`);
        }
      }),
    );
    const elapsed = Date.now() - start;
    await client.close();
    const total = [...admitted.values()].reduce((a, b) => a + b, 0);
    // A token bucket admits at most burst + rate × seconds, and a steady caller gets the rate.
    const cap = BURST + Math.ceil((RATE * elapsed) / 1000);
    console.info(
      `governance: shared bucket admitted ${total} in ${elapsed} ms (cap ${cap}), ${refused} refused; per instance ${JSON.stringify(Object.fromEntries(admitted))}`,
    );
    expect(other).toEqual([]);
    expect(total).toBeLessThanOrEqual(cap);
    expect(total).toBeGreaterThanOrEqual(Math.floor((RATE * (elapsed - 1000)) / 1000));
    for (const inst of instances) expect(admitted.get(inst.name) ?? 0, `admitted by ${inst.name}`).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(total);
  });
});
