// The core conformance suite against the cron router. A schedule has no
// client, so each call is an operator's run on demand, `router.runNow(name,
// { input, id, timeoutMs })`, through the same dispatch as a tick; the reply is
// the outcome as a caller would see it (the message hidden in production as
// an envelope hides it). The routes' spec (midnight, 1 January) never fires
// during a case. Timing, overlap, locks and time zones: cron-router.test.ts.
import { type Context, createApp, publicMessage } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing/conformance";
import { expect, it } from "vitest";
import { type CronRouter, createCronRouter } from "./cron-router.js";

const newYear = "0 0 0 1 1 *";

describeRouterConformance("cron", () => {
  let cron: CronRouter;
  let production = true;
  return {
    transport: "cron",
    mount(app, routes) {
      production = app.production;
      cron = createCronRouter();
      for (const name of routes) cron.route(newYear, name, { name });
      app.router("cron", cron);
    },
    register(name, target) {
      cron.route(newYear, target, { name });
    },
    async call(name, input, options) {
      const run = await cron.runNow(name, { input, id: options?.requestId, timeoutMs: options?.timeoutMs });
      const e = run.error;
      return e
        ? { code: e.code, message: publicMessage(e, !production), reason: e.reason, details: e.details, requestId: run.id }
        : { code: "ok", data: run.result, requestId: run.id };
    },
  };
});

// The schedule on the real clock (cron-router.test.ts uses fake timers): ticks
// fire on their second, never before it, and promptly.
it("fires on the real clock at its scheduled seconds, promptly, one context per run", async () => {
  const app = createApp({ name: "cron-clock", logger: false, config: { env: {}, argv: [] } });
  const seen: Array<{ ctx: Context; firedAt: number }> = [];
  app.handler("tick", async (ctx) => void seen.push({ ctx, firedAt: Date.now() }));
  app.router("cron", createCronRouter().route("* * * * * *", "tick"));
  await app.start();
  try {
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await app.stop({ timeout: 1_000 });
  }
  const [a, b] = seen.map(({ ctx, firedAt }) => ({ ctx, firedAt, at: Date.parse(ctx.meta.scheduledAt as string) }));
  for (const run of [a, b]) {
    expect((run?.at as number) % 1000).toBe(0);
    expect(run?.firedAt).toBeGreaterThanOrEqual(run?.at as number);
    expect((run?.firedAt as number) - (run?.at as number)).toBeLessThan(600);
  }
  expect((b?.at as number) - (a?.at as number)).toBe(1000);
  expect(a?.ctx.id).not.toBe(b?.ctx.id);
});
