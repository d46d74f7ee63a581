import { describe, expect, it } from "vitest";
import { WegoError } from "../errors/wego-error.js";
import { createSnowflake, DEFAULT_EPOCH, toEpochMs } from "./snowflake.js";

/** A clock the test moves by hand; `sleep` advances it, as time would. */
function manualClock(start: number) {
  const c = {
    t: start,
    reads: 0,
    slept: [] as number[],
    now: () => {
      c.reads++;
      return c.t;
    },
    sleep: (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("createSnowflake", () => {
  it("lays out 41-bit ms since the epoch, 10-bit worker, 12-bit sequence", () => {
    const clock = manualClock(DEFAULT_EPOCH + 1000);
    const ids = createSnowflake({ workerId: 5, now: clock.now });
    const id = ids.nextBigInt();
    expect(id).toBe((1000n << 22n) | (5n << 12n) | 0n);
    expect(ids.nextBigInt()).toBe((1000n << 22n) | (5n << 12n) | 1n);
  });

  it("decimal strings equal the bigint form, including across the 10^4 carry", () => {
    const base = (t: number, w: number) => (BigInt(t) << 22n) | (BigInt(w) << 12n);
    // An offset whose base ends in 9xxx, so base + sequence carries into the head digits.
    const carrying = (w: number) => {
      let t = 5000;
      while (base(t, w) % 10_000n < 9_000n) t++;
      return t;
    };
    for (const workerId of [0, 1, 1023]) {
      const c = carrying(workerId);
      expect((base(c, workerId) % 10_000n) + 4095n).toBeGreaterThanOrEqual(10_000n);
      for (const offset of [0, 1, 1234, c, 86_400_000, 2 ** 40, 2 ** 41 - 1]) {
        const clock = manualClock(DEFAULT_EPOCH + offset);
        const a = createSnowflake({ workerId, now: clock.now });
        const b = createSnowflake({ workerId, now: clock.now });
        const strings: string[] = [];
        const bigints: string[] = [];
        for (let i = 0; i < 4096; i++) {
          strings.push(a.next());
          bigints.push(b.nextBigInt().toString());
        }
        expect(strings).toEqual(bigints);
      }
    }
  });

  it("parse() gives back timestamp, worker and sequence", () => {
    const clock = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0, 123));
    const ids = createSnowflake({ workerId: 1023, now: clock.now });
    ids.next();
    ids.next();
    const parts = ids.parse(ids.next());
    expect(parts).toEqual({ timestamp: clock.t, date: new Date(clock.t), workerId: 1023, sequence: 2 });
    expect(ids.parse(ids.nextBigInt()).sequence).toBe(3);
    for (const bad of ["", "12a", "-1", "99999999999999999999", "9223372036854775808", 1 as unknown as string]) {
      expect(() => ids.parse(bad), String(bad)).toThrow(/not a snowflake id/);
    }
  });

  it("waits for the next millisecond when 4,096 ids were made in one", () => {
    let t = DEFAULT_EPOCH + 50;
    let reads = 0;
    let countFrom = Number.POSITIVE_INFINITY;
    // Frozen until the test says otherwise; then the clock moves on at the third read.
    const ids = createSnowflake({
      now: () => {
        reads++;
        if (reads - countFrom >= 3) t = DEFAULT_EPOCH + 51;
        return t;
      },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 4096; i++) seen.add(ids.next());
    expect(seen.size).toBe(4096);
    expect(ids.parse([...seen].at(-1) as string).sequence).toBe(4095);
    countFrom = reads;
    const after = ids.parse(ids.next());
    expect(reads - countFrom).toBe(3); // one read, then it kept reading until the ms changed
    expect(after.timestamp).toBe(DEFAULT_EPOCH + 51);
    expect(after.sequence).toBe(0);
  });

  it("a clock moved backwards a little is waited out and never repeats an id", () => {
    const clock = manualClock(DEFAULT_EPOCH + 10_000);
    const ids = createSnowflake({ now: clock.now, sleep: clock.sleep, maxBackwardMs: 20 });
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add(ids.next());
    clock.t += 1;
    for (let i = 0; i < 10; i++) seen.add(ids.next());
    clock.t -= 15; // NTP steps the clock back 15 ms
    for (let i = 0; i < 10; i++) seen.add(ids.next());
    expect(seen.size).toBe(30);
    expect(clock.slept).toEqual([15]);
    // After the wait, the ids continue the last millisecond's sequence.
    const last = ids.parse(ids.next());
    expect(last.timestamp).toBe(DEFAULT_EPOCH + 10_001);
    expect(last.sequence).toBe(20);
  });

  it("a large backward step fails loudly, then recovers once the clock catches up", () => {
    const clock = manualClock(DEFAULT_EPOCH + 10_000);
    const ids = createSnowflake({ now: clock.now, sleep: clock.sleep, maxBackwardMs: 5 });
    const before = ids.next();
    clock.t -= 1000;
    const err = (() => {
      try {
        ids.next();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).reason).toBe("WEGO_ERR_ID_CLOCK_BACKWARDS");
    expect((err as WegoError).code).toBe("unavailable");
    expect(clock.slept).toEqual([]);
    clock.t += 1000;
    const after = ids.next();
    expect(after).not.toBe(before);
    expect(BigInt(after)).toBeGreaterThan(BigInt(before));
  });

  it("a clock jumping back and forth randomly never yields a duplicate", () => {
    const clock = manualClock(DEFAULT_EPOCH + 100_000);
    const ids = createSnowflake({ now: clock.now, sleep: clock.sleep, maxBackwardMs: 8 });
    const seen = new Set<string>();
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let made = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rnd();
      if (r < 0.05) clock.t -= Math.floor(rnd() * 8);
      else if (r < 0.3) clock.t += 1;
      seen.add(ids.next());
      made++;
    }
    expect(seen.size).toBe(made);
  });

  it("1,000,000 ids in a tight loop are unique and increasing", () => {
    const ids = createSnowflake({ workerId: 3 });
    const n = 1_000_000;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = ids.next();
    expect(new Set(out).size).toBe(n);
    let prev = -1n;
    for (let i = 0; i < n; i += 1) {
      const v = BigInt(out[i] as string);
      if (v <= prev) throw new Error(`id ${i} not increasing`);
      prev = v;
    }
    expect(prev).toBeGreaterThan(0n);
  });

  it("validates worker id and epoch; refuses local-time epochs", () => {
    expect(() => createSnowflake({ workerId: 1024 })).toThrow(/0 to 1023, got 1024/);
    expect(() => createSnowflake({ workerId: -1 })).toThrow(WegoError);
    expect(() => createSnowflake({ workerId: 1.5 })).toThrow(WegoError);
    expect(() => createSnowflake({ epoch: Date.now() + 60_000 })).toThrow(/in the future/);
    expect(() => createSnowflake({ epoch: "2020-01-01T00:00:00" })).toThrow(/local time is ambiguous/);
    expect(toEpochMs("2020-01-01")).toBe(Date.UTC(2020, 0, 1));
    expect(toEpochMs("2020-01-01T08:00:00+08:00")).toBe(Date.UTC(2020, 0, 1));
    expect(toEpochMs(new Date(5))).toBe(5);
    expect(toEpochMs("1577836800000")).toBe(DEFAULT_EPOCH);
    expect(() => createSnowflake({ epoch: 0, now: () => 2 ** 41 + 5 })).toThrow(/2\^41/);
  });
});
