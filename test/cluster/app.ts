// The app the cluster suite runs three times, each instance a process of its
// own: `node --experimental-transform-types --import <source hooks> app.ts
// --cluster.instance A --cluster.prefix <run prefix> --http.port 40001
// --mysql.url mysql://root@127.0.0.1:3306/<run db> --server http,ws,cron,queue`
// (the hooks of packages/redis-queue/src/testdata map `@wego/*` to sources).
//
// Everything it shares with its siblings goes through Redis (worker-id lease,
// cron lock, ws pub/sub, rate limit, queue) or MySQL (what ran where), under a
// prefix and a database of the test run's own. It prints one JSON line on
// stdout once started ({ ready, instance, pid, port, workerId }); logs go to
// stderr.

import { type Context, createApp, createRegistration, filters, type PubSub, tokenBucketStoreKey, WegoError } from "@wego/core";
import { createCronRouter } from "@wego/cron";
import { createEtcdRegistry, etcdConfig } from "@wego/etcd";
import { createHttpRouter } from "@wego/http";
import { entityManager, mysqlProvider } from "@wego/mysql";
import {
  createRedisLimiterStore,
  createRedisLock,
  createRedisPubSub,
  createRedisTokenBucketStore,
  type RedisPubSub,
  redis,
  redisProvider,
} from "@wego/redis";
import { createQueueRouter } from "@wego/redis-queue";
import { createWsRouter } from "@wego/ws";
// test/cluster is no workspace package: MikroORM is borrowed from @wego/mysql's own dependencies.
import { defineEntity, p } from "../../packages/mysql/node_modules/@mikro-orm/mysql/index.js";

const app = createApp({
  name: "cluster",
  handleSignals: true,
  logger: { level: process.env.CLUSTER_LOG_LEVEL ?? "warn", fd: 2, pretty: false },
});
const instance = app.config.get("cluster.instance", "A");
const prefix = app.config.get("cluster.prefix", "wego-cluster");
const queueName = app.config.get("cluster.queue", "jobs");
const limit = app.config.get("cluster.limit", 50);

// MikroORM wants at least one entity; the app writes its tables with plain
// SQL (the test creates them), this one just describes one of them.
const CronRun = defineEntity({
  name: "CronRun",
  tableName: "cron_runs",
  properties: { id: p.bigint().primary().autoincrement(), tick: p.bigint(), instance: p.string(), pid: p.integer() },
});

app.provider(redisProvider({ workerIdLease: { prefix: `${prefix}:worker-id:` } }));
app.provider(mysqlProvider({ entities: [CronRun], pool: { max: 20 } }));

const sql = (ctx: Context, query: string, params: unknown[]) => entityManager(ctx, app).execute(query, params, "run");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- HTTP ------------------------------------------------------------------
const http = createHttpRouter();
app.router("http", http);

app.handler(
  "hello",
  filters.create((ctx) => {
    ctx.response("instance", instance);
    ctx.response("pid", process.pid);
  }),
);
http.get("/hello", "hello");

// A write that takes a while (so some are in flight when an instance is told
// to stop), made safe to retry by an idempotency key: the first call with a
// key does the work (counted in Redis), a repeat is answered as a replay.
app.handler(
  "order",
  filters.create(async (ctx) => {
    const key = ctx.meta["idempotency-key"];
    if (typeof key !== "string" || key === "") throw new WegoError("invalid_argument", "idempotency-key header required");
    const client = redis(ctx);
    const first = await client.set(`${prefix}:order:${key}`, String(process.pid), "EX", 600, "NX");
    if (first === null) {
      await client.incr(`${prefix}:orders:replayed`);
      ctx.response("replay", true);
    } else {
      await sleep(Number((ctx.request as { ms?: string }).ms ?? 50));
      await client.incr(`${prefix}:orders`);
    }
    ctx.response("pid", process.pid);
  }),
);
http.post("/orders", "order");

// Snowflake ids from the leased worker id: `GET /ids?n=50000`.
app.handler(
  "ids",
  filters.create((ctx) => {
    const n = Math.min(Number((ctx.request as { n?: string }).n ?? 1), 200_000);
    const ids = new Array<string>(n);
    for (let i = 0; i < n; i++) ids[i] = app.id();
    ctx.response("instance", instance);
    ctx.response("workerId", app.ids.parse(ids[0] ?? app.id()).workerId);
    ctx.response("ids", ids.join(","));
  }),
);
http.get("/ids", "ids");

// --- WebSocket, broadcast across instances through Redis pub/sub ------------
// The Redis client exists only once the provider registered, and the ws
// router takes a PubSub object up front: hand it one that opens on first use
// (the router subscribes at start, after the providers).
let pubsub: RedisPubSub | undefined;
const shared = (): RedisPubSub => {
  pubsub ??= createRedisPubSub(redis(app));
  return pubsub;
};
const lazyPubSub: PubSub = {
  publish: (channel, message) => shared().publish(channel, message),
  subscribe: (channel, onMessage) => shared().subscribe(channel, onMessage),
};
app.onShutdown(() => pubsub?.close());
const ws = createWsRouter({ attach: http, path: "/ws", pubsub: lazyPubSub, channel: `${prefix}:ws` });
app.router("ws", ws);

app.handler(
  "broadcast",
  filters.create(async (ctx) => {
    const { seq } = ctx.request as { seq?: string };
    await ws.broadcast({ route: "news", data: { seq: Number(seq), from: instance } });
    ctx.response("sent", true);
  }),
);
http.post("/broadcast", "broadcast");

// --- Cron: every second, once per tick across the instances -----------------
app.handler(
  "tick",
  filters.create(async (ctx) => {
    const tick = Math.floor(Date.parse(String(ctx.meta.scheduledAt)) / 1000);
    await sql(ctx, "INSERT INTO cron_runs (tick, instance, pid) VALUES (?, ?, ?)", [tick, instance, process.pid]);
  }),
);
app.router(
  "cron",
  createCronRouter({ lock: (a) => createRedisLock(redis(a), { prefix: `${prefix}:lock:` }), lockTtl: 30_000 }).route(
    "* * * * * *",
    "tick",
    { name: "tick" },
  ),
);

// --- Queue worker: each run is recorded in MySQL, start and finish ----------
app.handler(
  "work",
  filters.create(async (ctx) => {
    const { i, ms } = ctx.request as { i: number; ms?: number };
    const started = (await sql(ctx, "INSERT INTO job_runs (job, instance, pid, attempt) VALUES (?, ?, ?, ?)", [
      i,
      instance,
      process.pid,
      Number(ctx.meta.attempt),
    ])) as unknown as { insertId: number };
    if (ms) await sleep(ms);
    await sql(ctx, "UPDATE job_runs SET finished = 1 WHERE id = ?", [started.insertId]);
    return i;
  }),
);
app.router(
  "queue",
  createQueueRouter({
    queue: queueName,
    prefix,
    concurrency: app.config.get("cluster.concurrency", 10),
    // Short leases, so a killed instance's jobs come back within seconds.
    lockDuration: 3000,
    stalledInterval: 1000,
  }).route("work", "work"),
);

// --- A route limited to `cluster.limit` calls per second, cluster-wide ------
// Registered in boot: the limiter store needs the Redis client.
app.provider({
  boot(a) {
    const store = createRedisLimiterStore(redis(a), `${prefix}:limit:`);
    a.handler(
      "limited",
      filters.chain(
        filters.response(),
        filters.rateLimit({ limit, windowMs: 1000, store }),
        filters.comm((ctx) => void ctx.response("instance", instance)),
      ),
    );
  },
});
http.get("/limited", "limited");

// --- Governed from etcd (`--cluster.etcdPrefix`): rules under that prefix ----
// apply to every instance live; `shared` rate limits count in one Redis bucket.
const etcdPrefix = app.config.get("cluster.etcdPrefix", "");
if (etcdPrefix !== "") {
  app.provider(etcdConfig({ prefix: etcdPrefix }));
  app.provider({
    boot(a) {
      a.set(tokenBucketStoreKey, createRedisTokenBucketStore(redis(a), `${prefix}:bucket:`));
    },
  });
}
app.handler(
  "governed",
  filters.create((ctx) => void ctx.response("instance", instance)),
);
http.get("/governed", "governed");

// --- Discovery (`--cluster.registry <etcd prefix>`, and "registry" among the servers): registered in
// etcd under a lease (`--cluster.leaseTtl`, s) as service "cluster"; `--cluster.canary <instance>` runs version 2.
const registryPrefix = app.config.get("cluster.registry", "");
if (registryPrefix !== "") {
  const registry = createEtcdRegistry({ prefix: registryPrefix, ttlSeconds: app.config.get("cluster.leaseTtl", 2) });
  const version = app.config.get<string>("cluster.canary", "") === instance ? "2" : "1";
  app.router(
    "registry",
    createRegistration({ registry, service: "cluster", id: instance, version, endpoints: { http: () => `http://127.0.0.1:${http.port}` } }),
  );
  app.onShutdown(() => registry.close());
}

await app.start();
process.stdout.write(
  `${JSON.stringify({ ready: true, instance, pid: process.pid, port: http.port, workerId: app.ids.parse(app.id()).workerId })}\n`,
);
