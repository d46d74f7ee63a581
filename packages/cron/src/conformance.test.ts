// The core conformance suite against the cron router. A schedule has no
// client, so each call is an operator's run on demand, `router.runNow(name,
// { input, id, timeoutMs })`, through the same dispatch as a tick; the reply is
// the outcome as a caller would see it (the message hidden in production as
// an envelope hides it). The routes' spec (midnight, 1 January) never fires
// during a case. Timing, overlap, locks and time zones: cron-router.test.ts.
import { publicMessage } from "@wego/core";
import { describeRouterConformance } from "@wego/core/testing/conformance";
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
