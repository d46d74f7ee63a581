// The core conformance suite against the timer router. A timer has no client,
// so each call is an operator's run on demand, `router.runNow(name, { input,
// id, timeoutMs })`, through the same dispatch as a tick; the reply is its
// outcome as a caller would see it (the message hidden in production as an
// envelope hides it). The timers themselves never fire during a case (24 h).
import { publicMessage } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing/conformance";
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
