import { describe, expect, it } from "vitest";
import { createMemoryLock } from "./memory-lock.js";

describe("createMemoryLock", () => {
  it("gives a key to one holder until its lease ends", async () => {
    let now = 1_000;
    const lock = createMemoryLock({ now: () => now });
    const first = await lock.acquire("k", 500);
    expect(first?.key).toBe("k");
    expect(await lock.acquire("k", 500)).toBeUndefined();
    expect(await lock.acquire("other", 500)).toBeDefined();
    now += 499;
    expect(await lock.acquire("k", 500)).toBeUndefined();
    now += 1;
    expect(await lock.acquire("k", 500)).toBeDefined();
  });

  it("extends and releases only a lease that is still ours", async () => {
    let now = 0;
    const lock = createMemoryLock({ now: () => now });
    const a = await lock.acquire("k", 100);
    expect(await a?.extend(1_000)).toBe(true);
    now = 500;
    expect(await lock.acquire("k", 100)).toBeUndefined();
    expect(await a?.release()).toBe(true);
    const b = await lock.acquire("k", 100);
    expect(b).toBeDefined();
    // a's lease is gone: it must not free or extend b's.
    expect(await a?.release()).toBe(false);
    expect(await a?.extend(100)).toBe(false);
    expect(await lock.acquire("k", 100)).toBeUndefined();
    now = 700;
    expect(await b?.extend(100)).toBe(false);
  });

  it("sweeps expired leases so the map does not grow with every tick", async () => {
    let now = 0;
    const lock = createMemoryLock({ now: () => now });
    for (let i = 0; i < 50; i++) await lock.acquire(`tick:${i}`, 100);
    expect(lock.size).toBe(50);
    now = 5_000;
    await lock.acquire("tick:late", 100);
    expect(lock.size).toBe(1);
  });
});
