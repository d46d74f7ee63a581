import { createApp, WegoError } from "@wego/core";
import { createTestContext } from "@wego/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { duplicateRedis, redis, redisKey, redisProvider, resolveRedisOptions } from "./redis-provider.js";
import { deleteByPrefix, testClient, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("provider");
const quiet = (env: Record<string, string> = {}, argv: string[] = []) =>
  createApp({ name: "redis-test", logger: false, config: { env, argv } });

describe("redisProvider", () => {
  let stopping: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stopping) await stop();
    stopping = [];
    const c = testClient();
    await deleteByPrefix(c, prefix);
    await c.quit();
  });

  it("opens one shared client on start, serves handlers, reports readiness and quits on stop", async () => {
    const app = quiet();
    app.provider(redisProvider({ url: testRedisUrl, keyPrefix: prefix }));
    app.handler("hits", async () => ({ hits: await redis(app).incr("hits") }));
    await app.start();
    stopping.push(() => app.stop());
    const client = redis(app);
    expect(client.status).toBe("ready");
    expect(await app.invoke("hits", { transport: "memory" })).toEqual({ hits: 1 });
    expect(await app.invoke("hits", { transport: "memory" })).toEqual({ hits: 2 });
    // keyPrefix applied by ioredis: the raw key carries it.
    const raw = testClient();
    expect(await raw.get(`${prefix}hits`)).toBe("2");
    await raw.quit();
    const ready = await app.readiness();
    expect(ready.checks.redis).toEqual({ ok: true });
    await app.stop();
    expect(client.status).toBe("end");
    expect(() => redis(app)).toThrow(/WEGO_ERR_REDIS_NOT_REGISTERED|redisProvider/);
  });

  it("reads redis.* from config, and options in code win", async () => {
    const fromEnv = resolveRedisOptions(
      quiet({ WEGO_REDIS_HOST: "10.0.0.9", WEGO_REDIS_PORT: "6390", WEGO_REDIS_DB: "4", WEGO_REDIS_TLS: "true" }).config,
    );
    expect(fromEnv.url).toBeUndefined();
    expect(fromEnv.options).toMatchObject({ host: "10.0.0.9", port: 6390, db: 4, tls: {} });
    const codeWins = resolveRedisOptions(quiet({ WEGO_REDIS_DB: "4", WEGO_REDIS_URL: "redis://h:1/2" }).config, { db: 7 });
    expect(codeWins.url).toBe("redis://h:1/2");
    expect(codeWins.options.db).toBe(7);
    const defaults = resolveRedisOptions(quiet().config);
    expect(defaults.options).toMatchObject({ host: "127.0.0.1", port: 6379 });
    expect(defaults.options.password).toBeUndefined();
    const section = resolveRedisOptions(quiet({}, ["--redis.cache.port", "7000"]).config, { section: "redis.cache" });
    expect(section.options.port).toBe(7000);
  });

  it("uses the db of the URL from config", async () => {
    const app = quiet({ WEGO_REDIS_URL: `${testRedisUrl}/3` });
    app.provider(redisProvider({ keyPrefix: prefix }));
    await app.start();
    stopping.push(() => app.stop());
    expect(redis(app).options.db).toBe(3);
    expect(await redis(app).ping()).toBe("PONG");
  });

  it("fails the start clearly when Redis can't be reached", async () => {
    const app = quiet();
    app.provider(redisProvider({ host: "127.0.0.1", port: 1, options: { retryStrategy: () => null } }));
    const err = await app.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).reason).toBe("WEGO_ERR_REDIS_CONNECT");
    expect((err as WegoError).code).toBe("unavailable");
    expect((err as WegoError).message).toContain("127.0.0.1:1");
    expect(app.state).toBe("stopped");
  });

  it("finds the client from a context through its app, or on the context itself", async () => {
    const app = quiet();
    app.provider(redisProvider({ url: testRedisUrl, keyPrefix: prefix }));
    app.handler("viaCtx", async (ctx) => redis(ctx).incr("via-ctx"));
    await app.start();
    stopping.push(() => app.stop());
    expect(await app.invoke("viaCtx", { transport: "memory" })).toBe(1);
    const own = testClient();
    const ctx = createTestContext(app, { route: "x" });
    ctx.set(redisKey, own);
    expect(redis(ctx)).toBe(own);
    await own.quit();
    // A context no app built, without the key: a clear error.
    const bare = quiet();
    const orphan = createTestContext(bare, { route: "x" });
    expect(() => redis(orphan)).toThrow(WegoError);
  });

  it("leases app.ids' worker id and backs app.cache when asked", async () => {
    const leasePrefix = `${prefix}ids:`;
    const make = async () => {
      const app = quiet();
      app.provider(redisProvider({ url: testRedisUrl, workerIdLease: { prefix: leasePrefix }, cacheStore: { prefix } }));
      await app.start();
      stopping.push(() => app.stop());
      return app;
    };
    const [a, b] = [await make(), await make()];
    expect(a.ids.workerId).not.toBe(b.ids.workerId);
    const raw = testClient();
    expect(await raw.exists(`${leasePrefix}${a.ids.workerId}`)).toBe(1);
    await a.cache.set("shared", { n: 1 }, 30);
    expect(await b.cache.get("shared")).toEqual({ n: 1 });
    const leased = a.ids.workerId;
    await a.stop();
    expect(await raw.exists(`${leasePrefix}${leased}`)).toBe(0);
    await raw.quit();
  });

  it("duplicates for blocking use and closes them with the app", async () => {
    const app = quiet();
    app.provider(redisProvider({ url: testRedisUrl, keyPrefix: prefix }));
    await app.start();
    const dup = duplicateRedis(app);
    expect(dup).not.toBe(redis(app));
    // A blocking pop on the duplicate doesn't stall the shared client.
    const popped = dup.blpop("jobs", 2);
    await redis(app).rpush("jobs", "a");
    expect(await popped).toEqual([`${prefix}jobs`, "a"]);
    await app.stop();
    expect(dup.status).toBe("end");
  });

  it("reports not ready while Redis is away", async () => {
    const app = quiet();
    app.provider(redisProvider({ url: testRedisUrl, keyPrefix: prefix }));
    await app.start();
    stopping.push(() => app.stop());
    redis(app).disconnect(false);
    const ready = await app.readiness();
    expect(ready.ready).toBe(false);
    expect(ready.checks.redis?.ok).toBe(false);
  });
});
