// The core's describeRouterConformance drives a router through a client
// (request in, reply out); cron has no caller and no reply, so this file
// checks the same contract points with real timers instead: unknown handlers
// fail at start, the transport name, a fresh context per run, and a graceful
// stop that lets the running job finish and starts nothing new.
import { type App, type Context, createApp } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { createCronRouter } from "./cron-router.js";

let app: App | undefined;

function makeApp(): App {
  app = createApp({ name: "cron-conformance", logger: false, production: true, config: { env: {}, argv: [] } });
  return app;
}

afterEach(async () => {
  await app?.stop({ timeout: 2_000 });
  app = undefined;
});

describe("cron router conformance (own suite: cron has no request/reply)", () => {
  it("fails at start when a route names an unknown handler", async () => {
    const a = makeApp();
    a.handler("echo", async () => {});
    a.router("cron", createCronRouter().route("* * * * * *", "echo").route("*/2 * * * * *", "noSuchHandler"));
    await expect(a.start()).rejects.toThrow(/noSuchHandler/);
    expect(a.state).toBe("stopped");
  });

  it("runs on the second with transport cron and a fresh context each time", async () => {
    const a = makeApp();
    const seen: Array<{ ctx: Context; firedAt: number }> = [];
    a.handler("echo", async (ctx) => void seen.push({ ctx, firedAt: Date.now() }));
    a.router("cron", createCronRouter().route("* * * * * *", "echo"));
    await a.start();
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 20));
    const [first, second] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(first.ctx.transport).toBe("cron");
    expect(first.ctx).not.toBe(second.ctx);
    expect(first.ctx.id).not.toBe(second.ctx.id);
    expect(first.ctx.request).not.toBe(second.ctx.request);
    for (const { ctx, firedAt } of seen) {
      const scheduled = Date.parse(ctx.meta.scheduledAt as string);
      expect(scheduled % 1000).toBe(0);
      // Fired at (never before) its scheduled second, and promptly.
      expect(firedAt).toBeGreaterThanOrEqual(scheduled);
      expect(firedAt - scheduled).toBeLessThan(600);
    }
    expect(Date.parse(second.ctx.meta.scheduledAt as string) - Date.parse(first.ctx.meta.scheduledAt as string)).toBe(1000);
  });

  it("finishes the running job on stop and starts nothing new", async () => {
    const a = makeApp();
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const running = new Promise<void>((r) => {
      entered = r;
    });
    let started = 0;
    let finished = 0;
    a.handler("slow", async () => {
      started++;
      entered();
      await hold;
      finished++;
    });
    a.router("cron", createCronRouter().route("* * * * * *", "slow", { overlap: true }));
    await a.start();
    await running;
    const stopping = a.stop({ timeout: 5_000 });
    await new Promise((r) => setTimeout(r, 1_100)); // a tick passes while stopping
    expect(a.state).toBe("stopping");
    expect(started).toBe(1);
    release();
    await stopping;
    expect(finished).toBe(1);
    expect(a.state).toBe("stopped");
  });
});
