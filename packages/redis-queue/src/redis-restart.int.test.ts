// Restarts the shared test Redis, so it lives in its own file and keeps the
// outage short (about a second). The data set is saved on shutdown and loaded
// on start (SHUTDOWN SAVE), so the queue under test, and other suites' keys,
// survive the restart, as they would on a Redis with persistence.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "@wego/core";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { createQueueRouter } from "./queue-router.js";
import { deletePrefix, eventually, sleep, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("restart");
const N = 300;
const host = new URL(testRedisUrl).hostname;
const port = new URL(testRedisUrl).port || "6379";

const cli = (...args: string[]) =>
  execFileSync("redis-cli", ["-h", host, "-p", port, ...args], {
    encoding: "utf8",
    timeout: 10_000,
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
const pings = () => {
  try {
    return cli("ping") === "PONG";
  } catch {
    return false;
  }
};

/** Restart redis-server with its current dir, dump file, log and pid file; returns the outage in ms. */
async function restartRedis(): Promise<number> {
  const setting = (name: string) => cli("config", "get", name).split("\n")[1] ?? "";
  const dir = setting("dir");
  const dbfilename = setting("dbfilename");
  const logfile = setting("logfile");
  const pidfile = setting("pidfile");
  const t0 = Date.now();
  cli("shutdown", "save");
  if (pings()) throw new Error("redis did not shut down (could it save to its dir?)");
  execFileSync("redis-server", [
    "--daemonize",
    "yes",
    "--bind",
    host,
    "--port",
    port,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--dbfilename",
    dbfilename,
    ...(logfile ? ["--logfile", logfile] : []),
    ...(pidfile ? ["--pidfile", pidfile] : []),
  ]);
  while (!pings()) await sleep(20);
  const outage = Date.now() - t0;
  // Loaded: remove the dump, so a later restart can't bring back stale data.
  rmSync(join(dir, dbfilename), { force: true });
  return outage;
}

describe("Redis restarted mid-run", () => {
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it("the worker reconnects and finishes every job", { timeout: 90_000 }, async () => {
    const app = createApp({ name: "restart", logger: false, config: { env: {}, argv: [] } });
    const done = new Set<number>();
    let runs = 0;
    app.handler("work", async (ctx) => {
      runs++;
      await sleep(10);
      const { i } = ctx.request as { i: number };
      done.add(i);
      return i;
    });
    app.router("queue", createQueueRouter({ connection: testRedisUrl, queue: "restart", prefix, concurrency: 5 }).route("work", "work"));
    await app.start();
    const producer = createQueueProducer({ connection: testRedisUrl, queue: "restart", prefix });
    await producer.pushBulk(Array.from({ length: N }, (_, i) => ({ route: "work", data: { i } })));
    expect(await eventually(() => done.size >= N / 5, 20_000)).toBe(true);

    const outage = await restartRedis();
    expect(outage).toBeLessThan(5000);
    expect(done.size).toBeLessThan(N);

    expect(await eventually(() => done.size === N, 60_000, 50)).toBe(true);
    const probe = new Redis(testRedisUrl);
    expect(await probe.ping()).toBe("PONG");
    await probe.quit();
    expect(await eventually(async () => (await producer.queue.getCompletedCount()) === Math.min(N, 1000), 10_000)).toBe(true);
    expect(await producer.queue.getFailedCount()).toBe(0);
    // Jobs whose completion was cut by the outage may run again; none is lost.
    expect(runs).toBeGreaterThanOrEqual(N);
    // And it keeps working after the restart.
    expect(await producer.pushAndWait("work", { i: -1 }, { timeout: 10_000 })).toBe(-1);
    await app.stop({ timeout: 5000 });
    await producer.close();
  });
});
