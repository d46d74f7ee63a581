// The core's describeRouterConformance drives a router through a client
// (request in, reply out); a timer has no caller and no reply, so this file
// checks the same contract points with short real runs: unknown handlers fail
// at start, the transport name, a fresh context per run, and a graceful stop
// that lets the running run finish and starts nothing new.
import { type App, type Context, createApp } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { createTimerRouter } from "./timer-router.js";

let app: App | undefined;

function makeApp(): App {
  app = createApp({ name: "timer-conformance", logger: false, production: true, config: { env: {}, argv: [] } });
  return app;
}

afterEach(async () => {
  await app?.stop({ timeout: 2_000 });
  app = undefined;
});

describe("timer router conformance (own suite: timers have no request/reply)", () => {
  it("fails at start when a route names an unknown handler", async () => {
    const a = makeApp();
    a.handler("echo", async () => {});
    a.router("timer", createTimerRouter().route("echo", "50ms", "echo").route("ghost", "50ms", "noSuchHandler"));
    await expect(a.start()).rejects.toThrow(/noSuchHandler/);
    expect(a.state).toBe("stopped");
  });

  it("runs with transport timer and a fresh context each time", async () => {
    const a = makeApp();
    const seen: Context[] = [];
    a.handler("echo", async (ctx) => void seen.push(ctx));
    a.router("timer", createTimerRouter().route("echo", "40ms", "echo", { input: { n: 1 } }));
    const started = Date.now();
    await a.start();
    while (seen.length < 3) await new Promise((r) => setTimeout(r, 10));
    // Three runs on a 40 ms grid (first after one interval): not much sooner than 120 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    const [x, y] = seen as [Context, Context];
    expect(x.transport).toBe("timer");
    expect(x.route).toBe("echo");
    expect(x).not.toBe(y);
    expect(x.id).not.toBe(y.id);
    expect(x.request).toEqual({ n: 1 });
    expect(x.request).not.toBe(y.request);
  });

  it("finishes the running run on stop and starts nothing new", async () => {
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
    a.handler("fast", async () => {
      started++;
    });
    a.router(
      "timer",
      createTimerRouter().route("slow", "30ms", "slow", { initialDelay: 0 }).route("fast", "30ms", "fast", { initialDelay: 500 }),
    );
    await a.start();
    await running;
    const stopping = a.stop({ timeout: 5_000 });
    await new Promise((r) => setTimeout(r, 600)); // "fast" would have fired by now
    expect(a.state).toBe("stopping");
    expect(started).toBe(1);
    release();
    await stopping;
    expect(finished).toBe(1);
    expect(a.state).toBe("stopped");
  });
});
