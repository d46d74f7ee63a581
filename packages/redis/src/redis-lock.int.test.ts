import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisLock } from "./redis-lock.js";
import { deleteByPrefix, testClient, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("lock");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createRedisLock", () => {
  let clients: Redis[];
  beforeAll(() => {
    clients = Array.from({ length: 4 }, () => testClient());
  });
  afterAll(async () => {
    await deleteByPrefix(clients[0]!, prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("is never held by two holders at once", async () => {
    // Four "instances" (own connections) × 5 contenders each hammer one key;
    // inside the critical section a shared counter must never exceed 1.
    const locks = clients.map((c) => createRedisLock(c, { prefix }));
    let inside = 0;
    let maxInside = 0;
    let entries = 0;
    const until = Date.now() + 1500;
    const contender = async (i: number) => {
      const lock = locks[i % locks.length]!;
      while (Date.now() < until) {
        const held = await lock.acquire("critical", 5000);
        if (!held) {
          await sleep(1);
          continue;
        }
        inside++;
        entries++;
        maxInside = Math.max(maxInside, inside);
        await sleep(2);
        inside--;
        expect(await held.release()).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => contender(i)));
    expect(maxInside).toBe(1);
    expect(entries).toBeGreaterThan(20);
  });

  it("expires with its lease, and a stale holder can neither release nor extend the next one's lock", async () => {
    const [a, b] = [createRedisLock(clients[0]!, { prefix }), createRedisLock(clients[1]!, { prefix })];
    const first = await a.acquire("lease", 100);
    expect(first).toBeDefined();
    expect(await b.acquire("lease", 100)).toBeUndefined();
    await sleep(150);
    const second = await b.acquire("lease", 5000);
    expect(second).toBeDefined();
    expect(await first!.release()).toBe(false);
    expect(await first!.extend(5000)).toBe(false);
    // The second holder still has it.
    expect(await a.acquire("lease", 100)).toBeUndefined();
    expect(await second!.release()).toBe(true);
    expect(await a.acquire("lease", 100)).toBeDefined();
  });

  it("extends a held lease", async () => {
    const lock = createRedisLock(clients[2]!, { prefix });
    // Wide margins: on a loaded machine a short sleep can outlast a short lease.
    const held = await lock.acquire("extend", 1_000);
    expect(held?.key).toBe("extend");
    await sleep(200);
    expect(await held!.extend(3_000)).toBe(true);
    await sleep(900);
    // Past the original 1,000 ms: still ours thanks to the extension.
    expect(await lock.acquire("extend", 100)).toBeUndefined();
    expect(await clients[2]!.pttl(`${prefix}extend`)).toBeGreaterThan(1_000);
    expect(await held!.release()).toBe(true);
    expect(await held!.release()).toBe(false);
  });

  it("rejects a ttl that is not a positive integer", async () => {
    const lock = createRedisLock(clients[3]!, { prefix });
    await expect(lock.acquire("bad", 0)).rejects.toMatchObject({ reason: "WEGO_ERR_REDIS_INVALID_OPTION" });
  });
});
