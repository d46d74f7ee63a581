import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { deletePrefix, eventually, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("crash");
const queue = "crash";
const N = 400;
const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));

/** Start the worker script in its own Node process; resolves once it takes jobs. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--import",
      `${testdata}source-hooks.mjs`,
      `${testdata}worker-process.ts`,
      prefix,
      queue,
      "20",
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, WEGO_TEST_REDIS_URL: testRedisUrl } },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not start within 15 s")), 15_000);
    child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once("exit", r)));

describe("a worker process killed mid-run", () => {
  const redis = new Redis(testRedisUrl);
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await Promise.all(children.map(exited));
    await deletePrefix(prefix);
    await redis.quit();
  });

  it("loses no job: a new worker completes all of them, including those it was running", { timeout: 60_000 }, async () => {
    const producer = createQueueProducer({ connection: testRedisUrl, queue, prefix });
    await producer.pushBulk(Array.from({ length: N }, (_, i) => ({ route: "work", data: { i } })));

    const first = await startWorker();
    children.push(first);
    expect(await eventually(async () => (await redis.scard(`${prefix}:done`)) >= N / 4, 20_000)).toBe(true);
    first.kill("SIGKILL");
    await exited(first);
    expect(first.signalCode).toBe("SIGKILL");

    // The killed worker's jobs are still marked active, held by its lapsing leases.
    const orphans = (await producer.queue.getActive()).map((j) => j.id as string);
    expect(orphans.length).toBeGreaterThan(0);
    const doneAtKill = await redis.scard(`${prefix}:done`);
    expect(doneAtKill).toBeLessThan(N);

    const second = await startWorker();
    children.push(second);
    expect(await eventually(async () => (await redis.scard(`${prefix}:done`)) === N, 40_000, 100)).toBe(true);
    expect(await eventually(async () => (await producer.queue.getCompletedCount()) === N, 5000)).toBe(true);
    for (const id of orphans) expect(await producer.queue.getJobState(id)).toBe("completed");
    const counts = await producer.queue.getJobCounts("waiting", "active", "delayed", "failed");
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    // At least once: the orphans ran again; nothing else did.
    const runs = Number(await redis.get(`${prefix}:runs`));
    expect(runs).toBeGreaterThanOrEqual(N);
    expect(runs).toBeLessThanOrEqual(N + orphans.length);

    second.kill("SIGTERM");
    await exited(second);
    expect(second.exitCode).toBe(0);
    await producer.close();
  });
});
