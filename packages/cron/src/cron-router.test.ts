import type { DistributedLock } from "@wego/core";
import { type App, type Context, createApp, WegoError } from "@wego/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { cronError } from "./cron-errors.js";
import { type CronRouter, type CronRouterOptions, createCronRouter } from "./cron-router.js";
import { createMemoryLock } from "./memory-lock.js";

const t0 = Date.parse("2026-03-02T00:00:01.300Z");
const apps: App[] = [];

function makeApp(config: Record<string, unknown> = {}): App {
  const app = createApp({ name: "cron-test", logger: false, config: { env: {}, argv: [], defaults: config } });
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

async function mount(app: App, build: (r: CronRouter) => void, options: CronRouterOptions = {}): Promise<CronRouter> {
  const router = createCronRouter(options);
  build(router);
  app.router("cron", router);
  await app.start();
  return router;
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

describe("cron router: scheduling", () => {
  it("fires a six-field spec on its seconds, with the scheduled time and spec on ctx.meta", async () => {
    const app = makeApp();
    const seen: Context[] = [];
    app.handler("one", async (ctx) => void seen.push(ctx));
    await mount(app, (r) => r.route("*/5 * * * * *", app.handler("one")));
    await vi.advanceTimersByTimeAsync(3_600);
    expect(seen).toHaveLength(0); // 00:00:04.9: the first tick is :05
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.map((c) => c.meta.scheduledAt)).toEqual(["2026-03-02T00:00:05.000Z", "2026-03-02T00:00:10.000Z"]);
    expect(seen[0]?.meta).toMatchObject({ spec: "*/5 * * * * *", timezone: "UTC", name: "one@*/5 * * * * *" });
    expect(seen[0]?.transport).toBe("cron");
    expect(seen[0]?.route).toBe("*/5 * * * * *");
    expect(seen[0]?.handler).toBe("one");
  });

  it("gives every run a fresh context and its own copy of the input", async () => {
    const app = makeApp();
    const seen: Context[] = [];
    app.handler("one", async (ctx) => {
      seen.push(ctx);
      const req = ctx.request as { list: number[] };
      req.list.push(seen.length); // would leak into the next run if the input were shared
      ctx.set("mark", seen.length);
    });
    await mount(app, (r) => r.route("* * * * * *", "one", { input: { list: [0] } }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((c) => c.id)).size).toBe(3);
    expect(seen.map((c) => c.request)).toEqual([{ list: [0, 1] }, { list: [0, 2] }, { list: [0, 3] }]);
    expect(seen[1]?.get("mark")).toBe(2);
    expect(seen[0]?.get("mark")).toBe(1);
  });

  it("accepts a five-field spec (minute resolution)", async () => {
    const app = makeApp();
    const at: string[] = [];
    app.handler("minutely", async (ctx) => void at.push(ctx.meta.scheduledAt as string));
    await mount(app, (r) => r.route("*/2 * * * *", "minutely"));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(at).toEqual(["2026-03-02T00:02:00.000Z", "2026-03-02T00:04:00.000Z"]);
  });

  it("uses UTC by default, config cron.timezone, then the route's own zone", async () => {
    const app = makeApp({ cron: { timezone: "America/New_York" } });
    app.handler("h", async () => {});
    const router = await mount(app, (r) =>
      r.route("0 0 9 * * *", "h", { name: "ny" }).route("0 0 9 * * *", "h", { name: "sh", timezone: "Asia/Shanghai" }),
    );
    const next = Object.fromEntries(router.stats().map((s) => [s.name, [s.timezone, new Date(s.nextAt as number).toISOString()]]));
    expect(next).toEqual({
      ny: ["America/New_York", "2026-03-02T14:00:00.000Z"], // 09:00 EST
      sh: ["Asia/Shanghai", "2026-03-02T01:00:00.000Z"], // 09:00 CST
    });
    const utcApp = makeApp();
    utcApp.handler("h", async () => {});
    const utc = await mount(utcApp, (r) => r.route("0 0 9 * * *", "h"));
    expect(new Date(utc.stats()[0]?.nextAt as number).toISOString()).toBe("2026-03-02T09:00:00.000Z");
  });

  it("lists its routes with handler names before and after start", async () => {
    const app = makeApp();
    app.handler("two", async () => {});
    // "one" is not registered yet: app.handler gives a named reference; "two" is the endpoint itself.
    const router = createCronRouter().route("*/5 * * * * *", app.handler("one")).route("0 * * * * *", app.handler("two"));
    app.handler("one", async () => {});
    expect(router.routes?.()[0]).toEqual({ route: "*/5 * * * * *", handler: "one" });
    app.router("cron", router);
    await app.start();
    expect(app.routes()).toEqual([
      { server: "cron", route: "*/5 * * * * *", handler: "one" },
      { server: "cron", route: "0 * * * * *", handler: "two" },
    ]);
  });
});

describe("cron router: bad routes fail the start", () => {
  it("names the route of an invalid spec and leaves no timer behind", async () => {
    const app = makeApp();
    app.handler("one", async () => {});
    const router = createCronRouter().route("*/5 * * * * *", "one").route("61 * * * * *", "one", { name: "broken" });
    app.router("cron", router);
    const err = await app.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).reason).toBe("WEGO_ERR_ROUTER_START");
    expect((err as WegoError).message).toMatch(/cron route "broken": invalid spec "61 \* \* \* \* \*"/);
    expect((err as WegoError & { cause: WegoError }).cause.reason).toBe("WEGO_ERR_CRON_SPEC_INVALID");
    expect(app.state).toBe("stopped");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects a spec with too many fields and an unknown time zone", async () => {
    for (const [spec, tz, reason] of [
      ["* * * * * * *", undefined, "WEGO_ERR_CRON_SPEC_INVALID"],
      ["* * * * * *", "Mars/Olympus", "WEGO_ERR_CRON_TIMEZONE_INVALID"],
    ] as const) {
      const app = makeApp();
      app.handler("one", async () => {});
      app.router("cron", createCronRouter().route(spec, "one", tz ? { timezone: tz } : {}));
      const err = (await app.start().catch((e: unknown) => e)) as WegoError & { cause: WegoError };
      expect(err.cause.reason).toBe(reason);
      expect(err.message).toContain('cron route "one@');
    }
  });

  it("refuses a lock TTL that is not a positive integer", () => {
    for (const lockTtl of [0, -5, 1.5, Number.NaN]) {
      expect(() => createCronRouter({ lockTtl })).toThrow(expect.objectContaining({ reason: "WEGO_ERR_CRON_OPTION_INVALID" }));
    }
  });

  it("refuses two routes with the same name when the second is registered", () => {
    const router = createCronRouter().route("* * * * * *", "one");
    expect(() => router.route("* * * * * *", "one")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
    expect(() => router.route("*/2 * * * * *", "two", { name: "one@* * * * * *" })).toThrow(/already registered/);
    router.route("* * * * * *", "one", { name: "again" });
  });

  it("fails the start when two default names clash once their handlers are resolved", async () => {
    const app = makeApp();
    app.handler("one", async () => {});
    // The endpoint itself (registered already) has no name of its own until start finds it is "one".
    app.router("cron", createCronRouter().route("* * * * * *", app.handler("one")).route("* * * * * *", "one"));
    const err = (await app.start().catch((e: unknown) => e)) as WegoError & { cause: WegoError };
    expect(err.cause.reason).toBe("WEGO_ERR_ROUTE_DUPLICATE");
    expect(err.message).toContain('"one@* * * * * *"');
  });
});

describe("cron router: no overlap", () => {
  it("skips and counts a tick that finds the previous run still going", async () => {
    const app = makeApp();
    const g = gate();
    let started = 0;
    app.handler("slow", async () => {
      started++;
      if (started === 1) await g.wait;
    });
    const router = await mount(app, (r) => r.route("* * * * * *", "slow"));
    await vi.advanceTimersByTimeAsync(3_800); // ticks :02 :03 :04 :05; the first run holds
    expect(started).toBe(1);
    expect(router.stats()[0]).toMatchObject({ runs: 1, skipped: 3 });
    g.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
    expect(router.stats()[0]).toMatchObject({ runs: 2, skipped: 3, failed: 0 });
  });

  it("lets runs overlap when the route asks for it", async () => {
    const app = makeApp();
    const g = gate();
    let active = 0;
    let most = 0;
    app.handler("slow", async () => {
      active++;
      most = Math.max(most, active);
      await g.wait;
      active--;
    });
    const router = await mount(app, (r) => r.route("* * * * * *", "slow", { overlap: true }));
    await vi.advanceTimersByTimeAsync(3_800);
    expect(most).toBe(4);
    expect(router.stats()[0]).toMatchObject({ runs: 4, skipped: 0 });
    g.release();
  });

  it("counts and logs a failed run and keeps the schedule", async () => {
    const app = makeApp();
    let n = 0;
    app.handler("flaky", async () => {
      if (++n === 1) throw new Error("boom");
    });
    const router = await mount(app, (r) => r.route("* * * * * *", "flaky"));
    await vi.advanceTimersByTimeAsync(1_800);
    expect(router.stats()[0]).toMatchObject({ runs: 2, failed: 1 });
  });
});

describe("cron router: runNow", () => {
  it("runs a route now with a copy of its input, without the lock, counted, the schedule unmoved", async () => {
    const app = makeApp();
    const seen: Context[] = [];
    app.handler("report", async (ctx) => {
      seen.push(ctx);
      return { n: seen.length };
    });
    const lock = createMemoryLock();
    const input = { full: true };
    const router = await mount(app, (r) => r.route("0 0 3 * * *", "report", { name: "nightly", input }), { lock });
    expect(await router.runNow("nightly", { id: "op-7" })).toEqual({ id: "op-7", result: { n: 1 } });
    expect(seen[0]?.request).toEqual(input);
    expect(seen[0]?.request).not.toBe(input);
    expect(seen[0]?.meta).toMatchObject({
      name: "nightly",
      spec: "0 0 3 * * *",
      trigger: "manual",
      scheduledAt: new Date(t0).toISOString(),
    });
    expect(lock.size).toBe(0);
    expect(router.stats()[0]).toMatchObject({ runs: 1, failed: 0, nextAt: Date.parse("2026-03-02T03:00:00.000Z") });
    await router.runNow("nightly", { input: { full: false } });
    expect(seen[1]?.request).toEqual({ full: false });
  });

  it("skips a tick that comes while a manual run is going", async () => {
    const app = makeApp();
    const g = gate();
    const ticks: string[] = [];
    app.handler("slow", async (ctx) => {
      ticks.push(ctx.meta.trigger as string);
      await g.wait;
    });
    const router = await mount(app, (r) => r.route("* * * * * *", "slow", { name: "slow" }));
    const manual = router.runNow("slow");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks).toEqual(["manual"]);
    expect(router.stats()[0]).toMatchObject({ runs: 1, skipped: 1 });
    g.release();
    expect((await manual).error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks).toEqual(["manual", "schedule"]);
  });

  it("answers an unknown name with unimplemented, a failed run with its error, and rejects before start", async () => {
    const app = makeApp();
    app.handler("bad", async () => {
      throw new WegoError("failed_precondition", "not today");
    });
    const router = createCronRouter().route("0 0 3 * * *", "bad", { name: "bad" });
    await expect(router.runNow("bad")).rejects.toMatchObject({ reason: "WEGO_ERR_CRON_NOT_STARTED" });
    app.router("cron", router);
    await app.start();
    const unknown = await router.runNow("nope");
    expect(unknown.error).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_CRON_ROUTE_UNKNOWN" });
    expect(unknown.error?.rawMessage).toBe('no cron route "nope" (known: bad)');
    expect((await router.runNow("bad")).error).toMatchObject({ code: "failed_precondition", rawMessage: "not today" });
    expect(router.stats()[0]).toMatchObject({ runs: 1, failed: 1 });
  });
});

describe("cron router: stop", () => {
  it("clears the schedule and waits for the running job", async () => {
    const app = makeApp();
    const g = gate();
    let started = 0;
    let finished = 0;
    app.handler("slow", async () => {
      started++;
      await g.wait;
      finished++;
    });
    await mount(app, (r) => r.route("* * * * * *", "slow"));
    await vi.advanceTimersByTimeAsync(800);
    expect(started).toBe(1);
    let stopped = false;
    const stopping = app.stop({ timeout: 10_000 }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(stopped).toBe(false);
    expect(started).toBe(1); // no tick after stop began
    g.release();
    await stopping;
    expect(finished).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("runs a tick whose lock was being asked when stop began, and waits for it", async () => {
    const app = makeApp();
    const asked = gate();
    const answer = gate();
    const slowLock: DistributedLock = {
      acquire: async (key) => {
        asked.release();
        await answer.wait;
        return { key, extend: async () => true, release: async () => true };
      },
    };
    const ran: string[] = [];
    app.handler("tick", async (ctx) => void ran.push(ctx.meta.scheduledAt as string));
    await mount(app, (r) => r.route("* * * * * *", "tick"), { lock: slowLock });
    await vi.advanceTimersByTimeAsync(800); // the :02 tick asks for its lock
    await asked.wait;
    let stopped = false;
    const stopping = app.stop({ timeout: 10_000 }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(stopped).toBe(false); // the admitted tick holds the drain
    answer.release();
    await stopping;
    // This instance took the tick's lock, so it runs it: nobody else will.
    expect(ran).toEqual(["2026-03-02T00:00:02.000Z"]);
  });

  it("gives up at the deadline and aborts the running job", async () => {
    const app = makeApp();
    let signal: AbortSignal | undefined;
    app.handler("stuck", (ctx) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    await mount(app, (r) => r.route("* * * * * *", "stuck"));
    await vi.advanceTimersByTimeAsync(800);
    const stopping = app.stop({ timeout: 2_000 });
    await vi.advanceTimersByTimeAsync(2_100);
    await stopping;
    expect(app.state).toBe("stopped");
    expect(signal?.aborted).toBe(true);
    expect((signal as AbortSignal).reason.reason).toBe("WEGO_ERR_SHUTDOWN_DEADLINE");
  });
});

describe("cron router: once per tick across instances", () => {
  async function cluster(lock: DistributedLock | undefined, skewMs: number) {
    const runs: Array<{ instance: string; at: string }> = [];
    const routers: CronRouter[] = [];
    for (const [instance, skew] of [
      ["a", 0],
      ["b", skewMs],
    ] as const) {
      const app = makeApp();
      app.handler("tick", async (ctx) => void runs.push({ instance, at: ctx.meta.scheduledAt as string }));
      // Instance b's clock runs ahead: it fires each tick `skew` ms earlier in real time.
      const now = () => Date.now() + skew;
      routers.push(await mount(app, (r) => r.route("* * * * * *", "tick"), { ...(lock ? { lock } : {}), now }));
    }
    await vi.advanceTimersByTimeAsync(10_000);
    return { runs, routers };
  }

  it("runs each scheduled second once when two apps share a lock, with clocks 900 ms apart", async () => {
    const { runs, routers } = await cluster(createMemoryLock(), 900);
    const ticks = runs.map((r) => r.at);
    // a sees :02…:11, b (ahead) sees :03…:12: eleven distinct ticks, each run once.
    expect(ticks).toHaveLength(11);
    expect(new Set(ticks).size).toBe(11);
    const [a, b] = routers.map((r) => r.stats()[0]);
    // The instance whose clock is ahead gets to each shared tick first; the other finds it taken.
    expect(b).toMatchObject({ runs: 10, lockedOut: 0 });
    expect(a).toMatchObject({ runs: 1, lockedOut: 9 });
  });

  it("keys a late tick on its scheduled second, not on when its timer fired", async () => {
    const lock = createMemoryLock();
    const runs: string[] = [];
    let lagA = 0;
    for (const now of [() => Date.now() + lagA, Date.now]) {
      const app = makeApp();
      app.handler("tick", async (ctx) => void runs.push(ctx.meta.scheduledAt as string));
      await mount(app, (r) => r.route("* * * * * *", "tick"), { lock, now });
    }
    await vi.advanceTimersByTimeAsync(2_200); // :02 and :03 done
    // Instance a stalls (or its clock jumps): its :04 timer fires when its clock reads :05.5.
    lagA = 1_500;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toContain("2026-03-02T00:00:04.000Z");
    expect(new Set(runs).size).toBe(runs.length);
  });

  it("runs every tick on both instances without a lock (the control)", async () => {
    const { runs } = await cluster(undefined, 900);
    const ticks = runs.map((r) => r.at);
    expect(ticks.length).toBeGreaterThan(new Set(ticks).size);
  });

  it("does not run a tick when the lock cannot be asked, and counts it", async () => {
    const broken: DistributedLock = {
      acquire: async () => {
        throw new Error("redis down");
      },
    };
    const app = makeApp();
    let runs = 0;
    app.handler("tick", async () => void runs++);
    const router = await mount(app, (r) => r.route("* * * * * *", "tick"), { lock: broken });
    await vi.advanceTimersByTimeAsync(1_800);
    expect(runs).toBe(0);
    expect(router.stats()[0]).toMatchObject({ lockErrors: 2, runs: 0 });
  });

  it("skips the lock for a route that opts out", async () => {
    const lock = createMemoryLock();
    const app = makeApp();
    let runs = 0;
    app.handler("tick", async () => void runs++);
    await mount(app, (r) => r.route("* * * * * *", "tick", { lock: false }), { lock });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    expect(lock.size).toBe(0);
  });
});

it("documents every cron error in docs/errors.md with its code, and nothing else", () => {
  expect(documentedReasons("cron")).toEqual(catalogueCodes(cronError.table));
});
