import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlarm } from "./alarm.js";

const t0 = Date.parse("2026-03-02T00:00:00.000Z");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createAlarm", () => {
  it("fires once at the time it was set for, with that time", async () => {
    const fired: number[] = [];
    const alarm = createAlarm((at) => fired.push(at));
    alarm.set(t0 + 1_000);
    expect(alarm.at).toBe(t0 + 1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([t0 + 1_000]);
    expect(alarm.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fired).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fires a time already past on the next turn", async () => {
    const fired: number[] = [];
    createAlarm((at) => fired.push(at)).set(t0 - 5_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(fired).toEqual([t0 - 5_000]);
  });

  it("chains waits longer than Node's timer limit instead of firing at once", async () => {
    const fired: number[] = [];
    const thirtyDays = 30 * 24 * 3_600_000;
    createAlarm((at) => fired.push(at)).set(t0 + thirtyDays);
    await vi.advanceTimersByTimeAsync(2_147_483_647 + 10);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(thirtyDays - 2_147_483_647 - 10);
    expect(fired).toEqual([t0 + thirtyDays]);
  });

  it("waits again when its clock has not reached the time yet (a clock behind or stepped back)", async () => {
    const fired: number[] = [];
    let lag = 0;
    const alarm = createAlarm(
      (at) => fired.push(at),
      () => Date.now() - lag,
    );
    alarm.set(t0 + 1_000);
    lag = 400; // the clock steps back while we wait
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(400);
    expect(fired).toEqual([t0 + 1_000]);
  });

  it("is replaced by a new set and silenced by clear", async () => {
    const fired: number[] = [];
    const alarm = createAlarm((at) => fired.push(at));
    alarm.set(t0 + 1_000);
    alarm.set(t0 + 2_000);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(fired).toEqual([]);
    alarm.clear();
    expect(alarm.at).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fired).toEqual([]);
  });
});
