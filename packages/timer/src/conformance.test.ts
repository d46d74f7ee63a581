// The core conformance suite against the timer router. A timer has no client,
// so each call is an operator's run on demand, `router.runNow(name, { input,
// id, timeoutMs })`, through the same dispatch as a tick; the reply is its
// outcome as a caller would see it (the message hidden in production as an
// envelope hides it). The timers themselves never fire during a case (24 h).
import { createApp, publicMessage } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing/conformance";
import { expect, it } from "vitest";
import { createTimerRouter, type TimerRouter } from "./timer-router.js";

describeRouterConformance("timer", () => {
  let router: TimerRouter;
  let expose = false;
  return {
    transport: "timer",
    mount(app, routes) {
      expose = !app.production;
      router = createTimerRouter();
      for (const name of routes) router.route(name, "24h", name);
      app.router("timer", router);
    },
    register(name, target) {
      router.route(name, "24h", target);
    },
    async call(name, input, options) {
      const { id, error, result } = await router.runNow(name, { input, id: options?.requestId, timeoutMs: options?.timeoutMs });
      if (error === undefined) return { code: "ok", data: result, requestId: id };
      return { code: error.code, message: publicMessage(error, expose), reason: error.reason, details: error.details, requestId: id };
    },
  };
});

// The grid on the real clock (timer-router.test.ts uses fake timers): three
// runs of a 40 ms timer take at least three intervals.
it("keeps its interval on the real clock", async () => {
  const app = createApp({ name: "timer-clock", logger: false, config: { env: {}, argv: [] } });
  const at: number[] = [];
  app.handler("beat", async () => void at.push(Date.now()));
  app.router("timer", createTimerRouter().route("beat", "40ms", "beat"));
  const started = Date.now();
  await app.start();
  while (at.length < 3) await new Promise((r) => setTimeout(r, 5));
  await app.stop({ timeout: 1_000 });
  expect((at[2] as number) - started).toBeGreaterThanOrEqual(115);
  expect((at[2] as number) - (at[1] as number)).toBeGreaterThanOrEqual(35);
});
