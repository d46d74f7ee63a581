import { type App, type Context, createApp, WegoError } from "@wego/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { parseDuration } from "./duration.js";
import { timerError } from "./timer-errors.js";
import { createTimerRouter, type TimerRouter, type TimerRouterOptions } from "./timer-router.js";

const t0 = Date.parse("2026-03-02T00:00:00.000Z");
const apps: App[] = [];

function makeApp(): App {
  const app = createApp({ name: "timer-test", logger: false, config: { env: {}, argv: [] } });
  apps.push(app);
  return app;
}

function gate() {
  let release!: () => void;
  const wait = new Promise<void>((r) => {
    release = r;
  });
  return { wait, release };
}

async function mount(app: App, build: (r: TimerRouter) => void, options: TimerRouterOptions = {}): Promise<TimerRouter> {
  const router = createTimerRouter(options);
  build(router);
  app.router("timer", router);
  await app.start();
  return router;
}

/** Fake-clock offsets (ms after t0) at which `handler` ran. */
function recorder(app: App, handler: string, work?: (ctx: Context) => Promise<void>) {
  const at: number[] = [];
  app.handler(handler, async (ctx) => {
    at.push(Date.now() - t0);
    await work?.(ctx);
  });
  return at;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
});

afterEach(async () => {
  for (const app of apps.splice(0)) {
    const stopping = app.stop({ timeout: 100 });
    await vi.advanceTimersByTimeAsync(200);
    await stopping;
  }
  vi.useRealTimers();
});

describe("parseDuration", () => {
  it("reads milliseconds and unit strings", () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("5s")).toBe(5_000);
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("750")).toBe(750);
  });

  it("rejects what is not a duration", () => {
    for (const bad of ["5 sec", "-1s", "s", "", "1d", Number.NaN, -5, Number.POSITIVE_INFINITY]) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe("timer router: scheduling", () => {
  it("runs fixed-rate on a grid, first after one interval by default", async () => {
    const app = makeApp();
    const at = recorder(app, "beat");
    await mount(app, (r) => r.route("heartbeat", "1s", "beat"));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(at).toEqual([1_000, 2_000, 3_000]);
  });

  it("keeps the fixed-rate grid whatever a run takes", async () => {
    const app = makeApp();
    const at = recorder(app, "work", () => new Promise((r) => setTimeout(r, 300)));
    await mount(app, (r) => r.route("work", 1_000, "work", { initialDelay: 0 }));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(at).toEqual([0, 1_000, 2_000, 3_000]);
  });

  it("waits the interval after each run ends in fixed-delay mode", async () => {
    const app = makeApp();
    const at = recorder(app, "work", () => new Promise((r) => setTimeout(r, 300)));
    await mount(app, (r) => r.route("work", "1s", "work", { mode: "fixed-delay", initialDelay: "200ms" }));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(at).toEqual([200, 1_500, 2_800]);
  });

  it("adds jitter within [0, jitter) without drifting the fixed-rate grid", async () => {
    const app = makeApp();
    const at = recorder(app, "beat");
    const draws = [0.5, 0.1, 0.9];
    await mount(app, (r) => r.route("beat", "1s", "beat", { jitter: "200ms" }), { random: () => draws.shift() ?? 0 });
    await vi.advanceTimersByTimeAsync(3_500);
    expect(at).toEqual([1_100, 2_020, 3_180]);
  });

  it("gives each run a fresh context and its own copy of the input", async () => {
    const app = makeApp();
    const seen: Context[] = [];
    app.handler("mutate", async (ctx) => {
      seen.push(ctx);
      const req = ctx.request as { params: Record<string, unknown> };
      // The original wrote request_id into one shared map; here each run owns its copy.
      req.params.request_id = ctx.id;
    });
    const input = { params: { k: "v" } };
    await mount(app, (r) => r.route("t", "1s", "mutate", { input }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(2);
    const [a, b] = seen as [Context, Context];
    expect(a).not.toBe(b);
    expect(a.id).not.toBe(b.id);
    expect(a.request).toEqual({ params: { k: "v", request_id: a.id } });
    expect(b.request).toEqual({ params: { k: "v", request_id: b.id } });
    expect(input).toEqual({ params: { k: "v" } });
    expect(a.transport).toBe("timer");
    expect(a.route).toBe("t");
    expect(a.meta).toEqual({
      timer: "t",
      mode: "fixed-rate",
      interval: "1000",
      scheduledAt: "2026-03-02T00:00:01.000Z",
      trigger: "schedule",
    });
  });

  it("lists its routes", async () => {
    const app = makeApp();
    const router = createTimerRouter().route("a", "1s", "one").route("b", "1m", app.handler("two"));
    expect(router.routes?.()).toEqual([
      { route: "a", handler: "one" },
      { route: "b", handler: "two" },
    ]);
  });
});

describe("timer router: bad routes", () => {
  it("throws at registration for a bad interval, delay, jitter, mode or input, naming the timer", () => {
    const r = createTimerRouter();
    const cases: Array<() => unknown> = [
      () => r.route("a", "5 sec", "h"),
      () => r.route("b", 0, "h"),
      () => r.route("c", "1s", "h", { initialDelay: "-1s" }),
      () => r.route("d", "1s", "h", { jitter: "soon" }),
      () => r.route("e", "1s", "h", { mode: "cron" as never }),
      () => r.route("f", "1s", "h", { input: { fn: () => 1 } }),
    ];
    for (const [i, make] of cases.entries()) {
      const err = (() => {
        try {
          make();
        } catch (e) {
          return e as WegoError;
        }
      })();
      expect(err?.reason).toBe("WEGO_ERR_TIMER_OPTION_INVALID");
      expect(err?.message).toContain(`timer "${"abcdef"[i]}"`);
    }
    r.route("ok", "1s", "h");
    expect(() => r.route("ok", "2s", "h")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
  });

  it("fails the start for an unknown handler and arms nothing", async () => {
    const app = makeApp();
    app.handler("one", async () => {});
    app.router("timer", createTimerRouter().route("a", "1s", "one").route("b", "1s", "nope"));
    await expect(app.start()).rejects.toThrow(/nope/);
    expect(app.state).toBe("stopped");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("timer router: runNow", () => {
  it("runs a timer now with a copy of its input, counted, without moving its schedule", async () => {
    const app = makeApp();
    const seen: Context[] = [];
    app.handler("beat", async (ctx) => {
      seen.push(ctx);
      return { n: seen.length };
    });
    const input = { full: false };
    const router = await mount(app, (r) => r.route("beat", "1s", "beat", { input }));
    await vi.advanceTimersByTimeAsync(300);
    expect(await router.runNow("beat", { id: "op-1" })).toEqual({ id: "op-1", result: { n: 1 } });
    expect(seen[0]?.request).toEqual(input);
    expect(seen[0]?.request).not.toBe(input);
    expect(seen[0]?.meta).toMatchObject({ timer: "beat", trigger: "manual", scheduledAt: "2026-03-02T00:00:00.300Z" });
    expect(router.stats()[0]).toMatchObject({ runs: 1, nextAt: t0 + 1_000 });
    await vi.advanceTimersByTimeAsync(700);
    expect(seen.map((c) => c.meta.trigger)).toEqual(["manual", "schedule"]);
    const given = await router.runNow("beat", { input: { full: true } });
    expect(seen[2]?.request).toEqual({ full: true });
    expect(given.id).toBe(seen[2]?.id);
  });

  it("skips a tick that comes while a manual run is going", async () => {
    const app = makeApp();
    const g = gate();
    const at = recorder(app, "slow", () => g.wait);
    const router = await mount(app, (r) => r.route("slow", "1s", "slow"));
    const manual = router.runNow("slow");
    await vi.advanceTimersByTimeAsync(1_500);
    expect(at).toEqual([0]);
    expect(router.stats()[0]).toMatchObject({ runs: 1, skipped: 1 });
    g.release();
    expect((await manual).error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(at).toEqual([0, 2_000]);
  });

  it("answers an unknown timer with unimplemented, a failed run with its error, and rejects before start", async () => {
    const app = makeApp();
    app.handler("bad", async () => {
      throw new WegoError("failed_precondition", "not today");
    });
    const router = createTimerRouter().route("bad", "1h", "bad");
    await expect(router.runNow("bad")).rejects.toMatchObject({ reason: "WEGO_ERR_TIMER_NOT_STARTED" });
    app.router("timer", router);
    await app.start();
    const unknown = await router.runNow("nope");
    expect(unknown.error).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_TIMER_ROUTE_UNKNOWN" });
    expect(unknown.error?.message).toContain('no timer "nope" (known: bad)');
    expect((await router.runNow("bad")).error).toMatchObject({ code: "failed_precondition", rawMessage: "not today" });
    expect(router.stats()[0]).toMatchObject({ runs: 1, failed: 1 });
  });
});

describe("timer router: no overlap", () => {
  it("skips and counts fixed-rate ticks while a run is going", async () => {
    const app = makeApp();
    const g = gate();
    let n = 0;
    const at = recorder(app, "slow", async () => {
      if (++n === 1) await g.wait;
    });
    const router = await mount(app, (r) => r.route("slow", "1s", "slow"));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(at).toEqual([1_000]);
    expect(router.stats()[0]).toMatchObject({ runs: 1, skipped: 2 });
    g.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(at).toEqual([1_000, 4_000]);
  });

  it("counts a failed run and keeps going", async () => {
    const app = makeApp();
    let n = 0;
    app.handler("flaky", async () => {
      if (++n === 1) throw new Error("boom");
    });
    const router = await mount(app, (r) => r.route("flaky", "1s", "flaky", { mode: "fixed-delay" }));
    await vi.advanceTimersByTimeAsync(2_500);
    expect(router.stats()[0]).toMatchObject({ runs: 2, failed: 1 });
  });
});

describe("timer router: stop", () => {
  it("clears every timer and waits for the running run", async () => {
    const app = makeApp();
    const g = gate();
    let finished = 0;
    const at = recorder(app, "slow", async () => {
      await g.wait;
      finished++;
    });
    app.handler("fast", async () => {});
    await mount(app, (r) => r.route("slow", "1s", "slow").route("fast", "100ms", "fast", { mode: "fixed-delay" }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(at).toEqual([1_000]);
    let stopped = false;
    const stopping = app.stop({ timeout: 10_000 }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(stopped).toBe(false);
    expect(at).toEqual([1_000]);
    g.release();
    await stopping;
    expect(finished).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up at the deadline and aborts the run", async () => {
    const app = makeApp();
    let signal: AbortSignal | undefined;
    app.handler("stuck", (ctx) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    await mount(app, (r) => r.route("stuck", "1s", "stuck", { initialDelay: 0 }));
    await vi.advanceTimersByTimeAsync(10);
    const stopping = app.stop({ timeout: 1_000 });
    await vi.advanceTimersByTimeAsync(1_100);
    await stopping;
    expect(app.state).toBe("stopped");
    expect(signal?.aborted).toBe(true);
  });
});

it("documents every timer error in docs/errors.md with its code, and nothing else", () => {
  expect(documentedReasons("timer")).toEqual(catalogueCodes(timerError.table));
});
