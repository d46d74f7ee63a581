import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisWorkerIdLease } from "./redis-worker-id-lease.js";
import { deleteByPrefix, testClient, uniquePrefix } from "./test-support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createRedisWorkerIdLease", () => {
  let clients: Redis[];
  const prefixes: string[] = [];
  const fresh = () => {
    const p = uniquePrefix("worker-id");
    prefixes.push(p);
    return p;
  };
  beforeAll(() => {
    clients = Array.from({ length: 4 }, () => testClient());
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteByPrefix(clients[0]!, p);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("gives every instance a different id, all of 0–1023, until the range is full", async () => {
    const prefix = fresh();
    // 1,024 instances over four connections, all racing at once.
    const leases = Array.from({ length: 1024 }, (_, i) => createRedisWorkerIdLease(clients[i % 4]!, { prefix }));
    const ids = await Promise.all(leases.map((l) => l.acquire()));
    expect(new Set(ids).size).toBe(1024);
    expect(Math.min(...ids)).toBe(0);
    expect(Math.max(...ids)).toBe(1023);
    const extra = createRedisWorkerIdLease(clients[0]!, { prefix });
    await expect(extra.acquire()).rejects.toMatchObject({ reason: "WEGO_ERR_REDIS_WORKER_IDS_EXHAUSTED", code: "resource_exhausted" });
    // A released id is free for the next instance.
    const freed = leases[17]!;
    const freedId = freed.id;
    await freed.release();
    expect(freed.id).toBeUndefined();
    expect(await extra.acquire()).toBe(freedId);
    await Promise.all([...leases, extra].map((l) => l.release()));
    expect(await clients[0]!.keys(`${prefix}*`)).toEqual([]);
  });

  it("returns the same id on a second acquire and keeps it renewed past its ttl", async () => {
    const prefix = fresh();
    const lease = createRedisWorkerIdLease(clients[0]!, { prefix, ttlMs: 150 });
    const [id, again] = await Promise.all([lease.acquire(), lease.acquire()]);
    expect(again).toBe(id);
    await sleep(400);
    expect(await lease.acquire()).toBe(id);
    expect(await clients[1]!.pttl(`${prefix}${id}`)).toBeGreaterThan(0);
    // Nobody else can take it while it is renewed.
    const other = createRedisWorkerIdLease(clients[1]!, { prefix, ttlMs: 150, min: id, max: id });
    await expect(other.acquire()).rejects.toMatchObject({ reason: "WEGO_ERR_REDIS_WORKER_IDS_EXHAUSTED" });
    await lease.release();
    expect(await other.acquire()).toBe(id);
    await other.release();
  });

  it("lets an id expire when its holder dies, and tells a holder that lost it", async () => {
    const prefix = fresh();
    const lost: Error[] = [];
    const holder = createRedisWorkerIdLease(clients[0]!, { prefix, ttlMs: 120, min: 5, max: 5, onLost: (e) => lost.push(e) });
    expect(await holder.acquire()).toBe(5);
    // Simulate a frozen holder: its key vanishes and another instance takes the id.
    await clients[1]!.del(`${prefix}5`);
    const taker = createRedisWorkerIdLease(clients[1]!, { prefix, ttlMs: 5000, min: 5, max: 5 });
    expect(await taker.acquire()).toBe(5);
    await sleep(150);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ reason: "WEGO_ERR_REDIS_WORKER_ID_LOST" });
    expect(holder.id).toBeUndefined();
    // The holder's release must not free the taker's id.
    await holder.release();
    expect(await clients[0]!.get(`${prefix}5`)).not.toBeNull();
    await taker.release();
  });

  it("takes its id back after it expired when nobody else did (Redis restarted or flushed)", async () => {
    const prefix = fresh();
    const lease = createRedisWorkerIdLease(clients[2]!, { prefix, ttlMs: 150, min: 9, max: 9 });
    expect(await lease.acquire()).toBe(9);
    await clients[2]!.del(`${prefix}9`);
    await sleep(120);
    expect(lease.id).toBe(9);
    expect(await clients[2]!.exists(`${prefix}9`)).toBe(1);
    await lease.release();
  });

  it("rejects a bad range", () => {
    expect(() => createRedisWorkerIdLease(clients[0]!, { min: 10, max: 2000 })).toThrow(/worker id range/);
  });
});
