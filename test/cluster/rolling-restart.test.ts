// A rolling restart under steady HTTP load: each instance in turn gets
// SIGTERM (it drains and exits), then starts again on its port, while a
// round-robin client (@wego/http's, which skips instances that refuse or
// answer 503, and retries idempotent calls elsewhere) keeps calling. No
// request fails: neither the GETs nor the POSTs, which carry an idempotency
// key so that the client may retry them too (a POST without one is retried
// only when it never left: see RELIABILITY.md on idle keep-alive sockets).

import { randomUUID } from "node:crypto";
import { createHttpClient } from "@wego/http";
import { createRedisClient } from "@wego/redis";
import { describe, expect, it } from "vitest";
import { sleep, useCluster } from "./cluster.ts";

const GET_LOOPS = 4;
const POST_LOOPS = 4;
const PAUSE_MS = 5; // between calls of one loop: steady, not flat out
const cluster = useCluster({ area: "rolling", servers: ["ws", "cron", "queue"] });

describe("a rolling restart under load", () => {
  it("serves every request while each instance in turn drains, exits and comes back", { timeout: 120_000 }, async () => {
    const { instances, prefix } = cluster();
    const client = createHttpClient({ baseUrls: instances.map((i) => i.url), timeoutMs: 5000, skipMs: 1000 });
    const servedBy = new Map<number, number>(); // pid → answers
    const failures: string[] = [];
    const ok = { get: 0, post: 0 };
    let stopping = false;
    const loop = async (call: () => Promise<{ pid: number }>, kind: "get" | "post") => {
      while (!stopping) {
        try {
          const { pid } = await call();
          ok[kind]++;
          servedBy.set(pid, (servedBy.get(pid) ?? 0) + 1);
        } catch (err) {
          failures.push(`${kind}: ${String(err)}`);
        }
        await sleep(PAUSE_MS);
      }
    };
    const load = Promise.all([
      ...Array.from({ length: GET_LOOPS }, () => loop(() => client.get("/hello"), "get")),
      ...Array.from({ length: POST_LOOPS }, () =>
        loop(() => client.post("/orders?ms=50", undefined, { idempotent: true, headers: { "idempotency-key": randomUUID() } }), "post"),
      ),
    ]);

    await sleep(1000);
    const t0 = Date.now();
    const steps: string[] = [];
    for (const inst of instances) {
      const oldPid = inst.info?.pid as number;
      const tStop = Date.now();
      const exit = await inst.stop("SIGTERM");
      expect(exit, `${inst.name} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });
      const stopMs = Date.now() - tStop;
      const info = await inst.start();
      expect(await inst.ready()).toBe(true);
      steps.push(`${inst.name}: drained and exited in ${stopMs} ms, back in ${Date.now() - tStop - stopMs} ms`);
      expect(servedBy.get(oldPid) ?? 0, `${inst.name} served before its restart`).toBeGreaterThan(0);
      await sleep(1500); // the client finds it again once its skip period ends
      expect(servedBy.get(info.pid) ?? 0, `${inst.name} serves again after its restart`).toBeGreaterThan(0);
    }
    const rollMs = Date.now() - t0;
    stopping = true;
    await load;
    await client.close();

    expect(failures).toEqual([]);
    expect(ok.get).toBeGreaterThan(500);
    expect(ok.post).toBeGreaterThan(100);
    // Each POST the client saw succeed did its work once, and none did it without the client hearing of it.
    const redis = createRedisClient("redis://127.0.0.1:6379", {});
    let replayed: number;
    try {
      expect(Number(await redis.get(`${prefix}:orders`))).toBe(ok.post);
      replayed = Number(await redis.get(`${prefix}:orders:replayed`));
    } finally {
      await redis.quit();
    }
    console.info(
      `rolling restart: ${ok.get} GETs and ${ok.post} POSTs (50 ms each), 0 failed, ${replayed} POSTs replayed, over ${rollMs} ms of restarts; ${steps.join("; ")}`,
    );
  });
});
