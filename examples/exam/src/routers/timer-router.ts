import type { App } from "@wego/core";
import { createTimerRouter, type TimerRouter } from "@wego/timer";

/** The seed's TimerRouter: the heartbeat every `exam.heartbeat` (default 10 s). */
export function timerRouter(app: App): TimerRouter {
  return createTimerRouter().route("heartbeat", app.config.get("exam.heartbeat", "10s"), app.handler("heartbeat"));
}
