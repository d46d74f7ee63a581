import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { Context } from "./context.js";
import type { WegoError } from "./errors/wego-error.js";
import { DEFAULT_EPOCH } from "./id/snowflake.js";
import type { CacheStore, WorkerIdLease } from "./ports.js";
import { createTestContext } from "./testing/test-context.js";

const quiet = { logger: false as const };

function fakeLease(id: number) {
  const events: string[] = [];
  const lease: WorkerIdLease = {
    async acquire() {
      events.push("acquire");
      return id;
    },
    async release() {
      events.push("release");
    },
  };
  return { lease, events };
}

function recordingStore() {
  const data = new Map<string, string>();
  const store: CacheStore = {
    get: async (k) => data.get(k),
    set: async (k, v) => void data.set(k, v),
    delete: async (k) => void data.delete(k),
  };
  return { store, data };
}

function errorOf(fn: () => unknown): WegoError {
  try {
    fn();
  } catch (err) {
    return err as WegoError;
  }
  throw new Error("expected a throw");
}

describe("app.ids / app.id()", () => {
  it("issues unique snowflake strings with the worker id and epoch from config", () => {
    const app = createApp({ ...quiet, config: { env: { WEGO_ID_WORKER_ID: "9", WEGO_ID_EPOCH: "2024-01-01" }, argv: [] } });
    const ids = new Set(Array.from({ length: 10_000 }, () => app.id()));
    expect(ids.size).toBe(10_000);
    const parts = app.ids.parse([...ids][0] as string);
    expect(parts.workerId).toBe(9);
    expect(app.ids.epoch).toBe(Date.UTC(2024, 0, 1));
    expect(Math.abs(parts.timestamp - Date.now())).toBeLessThan(5_000);
    expect(app.ids).toBe(app.ids);
  });

  it("defaults to worker 0 and the 2020 UTC epoch; a bad worker id in config fails clearly", () => {
    const app = createApp({ ...quiet, config: { env: {}, argv: [] } });
    expect(app.ids.workerId).toBe(0);
    expect(app.ids.epoch).toBe(DEFAULT_EPOCH);
    const bad = createApp({ ...quiet, config: { env: { WEGO_ID_WORKER_ID: "5000" }, argv: [] } });
    expect(errorOf(() => bad.id()).reason).toBe("WEGO_ERR_ID_WORKER_RANGE");
  });

  it("with a lease: no ids before start, the leased worker id from boot on, released on stop", async () => {
    const { lease, events } = fakeLease(777);
    const app = createApp({ ...quiet, config: { env: {}, argv: [] }, workerIdLease: lease });
    expect(errorOf(() => app.id()).reason).toBe("WEGO_ERR_ID_NOT_READY");
    let inBoot: number | undefined;
    app.provider({
      boot(a) {
        inBoot = a.ids.parse(a.id()).workerId;
      },
    });
    await app.start({ servers: [] });
    expect(inBoot).toBe(777);
    expect(app.ids.parse(app.id()).workerId).toBe(777);
    await app.stop();
    expect(events).toEqual(["acquire", "release"]);
    expect(errorOf(() => app.id()).reason).toBe("WEGO_ERR_ID_NOT_READY");
  });

  it("a provider can bring the lease in register (what @wego/redis does)", async () => {
    const { lease, events } = fakeLease(12);
    const app = createApp({ ...quiet, config: { env: {}, argv: [] } });
    app.provider({ register: (a) => void a.useWorkerIdLease(lease) });
    await app.start({ servers: [] });
    expect(app.ids.workerId).toBe(12);
    await app.stop();
    expect(events).toEqual(["acquire", "release"]);
  });

  it("refuses a lease once ids were issued with the config worker id, or after register", async () => {
    const early = createApp({ ...quiet, config: { env: {}, argv: [] } });
    early.id();
    expect(errorOf(() => early.useWorkerIdLease(fakeLease(1).lease)).reason).toBe("WEGO_ERR_APP_STATE");
    const late = createApp({ ...quiet, config: { env: {}, argv: [] } });
    let caught: WegoError | undefined;
    late.provider({
      boot: (a) => {
        caught = errorOf(() => a.useWorkerIdLease(fakeLease(1).lease));
      },
    });
    await late.start({ servers: [] });
    await late.stop();
    expect(caught?.reason).toBe("WEGO_ERR_APP_STATE");
  });

  it("a lease that fails to acquire fails the start", async () => {
    const app = createApp({
      ...quiet,
      config: { env: {}, argv: [] },
      workerIdLease: {
        acquire: async () => {
          throw new Error("all 1024 worker ids are taken");
        },
        release: async () => {},
      },
    });
    await expect(app.start({ servers: [] })).rejects.toThrow(/all 1024 worker ids are taken/);
    expect(app.state).toBe("stopped");
  });
});

describe("app.cache", () => {
  it("is one cache per app, sized by config cache.maxBytes", async () => {
    const app = createApp({ ...quiet, config: { env: { WEGO_CACHE_MAX_BYTES: "4000" }, argv: [] } });
    expect(app.cache).toBe(app.cache);
    for (let i = 0; i < 20; i++) await app.cache.set(`k${i}`, "x".repeat(500));
    expect(app.cache.bytes).toBeLessThanOrEqual(4000);
    expect(app.cache.size).toBeLessThan(20);
    const other = createApp({ ...quiet, config: { env: {}, argv: [] } });
    expect(await other.cache.get("k19")).toBeUndefined();
  });

  it("takes a shared tier from options or from a provider's register, under the app-name prefix", async () => {
    const { store, data } = recordingStore();
    const app = createApp({ ...quiet, name: "shop", config: { env: {}, argv: [] }, cacheStore: store });
    await app.cache.set("cart:1", { items: 2 }, 30);
    expect(data.get("shop:cache:cart:1")).toBe('{"items":2}');

    const viaProvider = recordingStore();
    const app2 = createApp({ ...quiet, config: { env: { WEGO_CACHE_PREFIX: "p:" }, argv: [] } });
    app2.provider({ register: (a) => void a.useCacheStore(viaProvider.store) });
    await app2.start({ servers: [] });
    await app2.cache.set("k", 1);
    await app2.stop();
    expect(viaProvider.data.get("p:k")).toBe("1");
  });

  it("refuses a store once the cache is in use", () => {
    const app = createApp({ ...quiet, config: { env: {}, argv: [] } });
    void app.cache;
    expect(errorOf(() => app.useCacheStore(recordingStore().store)).reason).toBe("WEGO_ERR_APP_STATE");
  });
});

describe("ctx.app", () => {
  it("is the app for contexts it built and their parallel forks, undefined for hand-made contexts", () => {
    const app = createApp({ ...quiet, config: { env: {}, argv: [] } });
    const ctx = createTestContext(app, { route: "r" });
    expect(ctx.app).toBe(app);
    expect(ctx.fork().app).toBe(app);
    const handMade = new Context({ log: app.log, newRequestId: () => "x" }, { transport: "memory", route: "r" });
    expect(handMade.app).toBeUndefined();
  });
});
