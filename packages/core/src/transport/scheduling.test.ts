import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import { createDispatcher } from "./dispatcher.js";
import { createAlarm, dispatchRun, runOutcome } from "./scheduling.js";

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

describe("runOutcome", () => {
  it("resolves a run's id and result, or its error, with the caller's id and deadline applied", async () => {
    vi.useRealTimers();
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const d = createDispatcher(app, { transport: "test" });
    const entry = (endpoint: (ctx: Context) => Promise<unknown>) => ({ route: "r", handler: "h", endpoint });
    const ok = entry(async (ctx) => ({ got: ctx.request, deadline: ctx.deadline }));
    const before = Date.now();
    const first = { request: { a: 1 } };
    const good = await runOutcome(first, { id: "op-1", timeoutMs: 5_000 }, (answer) => d.dispatch(ok, first, answer));
    expect(good.id).toBe("op-1");
    expect(good.error).toBeUndefined();
    const { got, deadline } = good.result as { got: unknown; deadline: number };
    expect(got).toEqual({ a: 1 });
    expect(deadline).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 5_000);

    const inv = { request: {} };
    const slow = entry((ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))));
    const late = await runOutcome(inv, { id: "bad id", timeoutMs: 30 }, (answer) => d.dispatch(slow, inv, answer));
    expect(late.error).toBeInstanceOf(WegoError);
    expect(late.error?.code).toBe("deadline_exceeded");
    expect(late.id).not.toBe("bad id"); // the request-id rule still applies
    expect(late.result).toBeUndefined();
    await app.stop();
  });
});

describe("dispatchRun", () => {
  it("counts a run as running until it is answered, and a failed one in failed", async () => {
    vi.useRealTimers();
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const d = createDispatcher(app, { transport: "test" });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const counters = { running: 0, runs: 0, failed: 0 };
    const answers: Array<string | undefined> = [];
    const wait = { route: "r", handler: "h", endpoint: async () => held };
    const fail = { route: "r", handler: "h", endpoint: async () => Promise.reject(new WegoError("resource_exhausted", "later")) };
    dispatchRun(d, wait, { request: {} }, counters, (_ctx, error) => answers.push(error?.code));
    expect(counters).toEqual({ running: 1, runs: 1, failed: 0 });
    dispatchRun(d, fail, { request: {} }, counters, (_ctx, error) => answers.push(error?.code));
    await new Promise((r) => setTimeout(r, 0));
    expect(counters).toEqual({ running: 1, runs: 2, failed: 1 });
    release();
    await held;
    await new Promise((r) => setTimeout(r, 0));
    expect(counters).toEqual({ running: 0, runs: 2, failed: 1 });
    expect(answers).toEqual(["resource_exhausted", undefined]);
    await app.stop();
  });
});
