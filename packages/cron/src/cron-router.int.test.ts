// Two app instances (own Redis connections, as two pods would have) sharing
// one Redis, running a per-second cron route with @wego/redis's lock: each
// scheduled second runs once, even with the instances' clocks 400 ms apart.
import { randomBytes } from "node:crypto";
import { type App, createApp } from "@wego/core";
import { createRedisLock, redis, redisProvider } from "@wego/redis";
import { afterEach, describe, expect, it } from "vitest";
import { createCronRouter } from "./cron-router.js";

const url = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `wego-test:cron:${randomBytes(4).toString("hex")}:`;
let apps: App[] = [];

/** Keys matching `pattern` (SCAN, never KEYS: the Redis is shared). */
async function scanKeys(app: App, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis(app).scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== "0");
  return out;
}

afterEach(async () => {
  if (apps[0]) {
    const keys = await scanKeys(apps[0], `${prefix}*`);
    if (keys.length > 0) await redis(apps[0]).del(...keys);
  }
  await Promise.all(apps.map((a) => a.stop({ timeout: 2_000 })));
  apps = [];
});

describe("cron router with the Redis lock", () => {
  it("runs each scheduled second once across two instances whose clocks differ", async () => {
    const runs: Array<{ instance: string; at: string }> = [];
    // Reads the lock keys after both instances have stopped (a tick firing between reading the runs
    // and scanning the keys would add a key, or a run, to one side only); first, so cleanup uses it.
    const probe = createApp({ name: "cron-probe", logger: false, config: { env: {}, argv: [] } });
    probe.provider(redisProvider({ url }));
    apps.push(probe);
    for (const [instance, skew] of [
      ["a", 0],
      ["b", 400],
    ] as const) {
      const app = createApp({ name: "cron-int", logger: false, config: { env: {}, argv: [] } });
      app.provider(redisProvider({ url }));
      app.handler("tick", async (ctx) => void runs.push({ instance, at: ctx.meta.scheduledAt as string }));
      app.router(
        "cron",
        createCronRouter({ lock: (a) => createRedisLock(redis(a), { prefix }), now: () => Date.now() + skew }).route("* * * * * *", "tick"),
      );
      apps.push(app);
    }
    await Promise.all(apps.map((a) => a.start()));
    await new Promise((r) => setTimeout(r, 3_300));
    // A stop still runs the ticks whose lock was taken: after it, every key has its run.
    await Promise.all(apps.slice(1).map((a) => a.stop({ timeout: 2_000 })));
    const ticks = runs.map((r) => r.at);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks).size).toBe(ticks.length);
    // b's clock is ahead, so it reaches each shared tick first; a was locked out of those.
    expect(runs.filter((r) => r.instance === "b").length).toBeGreaterThanOrEqual(2);
    const keys = await scanKeys(probe, `${prefix}wego:cron:cron-int:tick@\\* \\* \\* \\* \\* \\*:*`);
    expect(keys.length).toBe(ticks.length);
  });
});
