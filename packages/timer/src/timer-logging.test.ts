// Issue 16 item 9, on the timer: nobody sees a run's answer, so a refusal
// (here the rate limit) is logged at warn, once, without a stack; a fault is
// logged once at error with its stack — by dispatch, not again by the router.
import { type App, createApp, type Endpoint, filters } from "@wego/core";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTimerRouter } from "./timer-router.js";

const logged: Array<{ level: number; msg: string; err?: { stack?: string } }> = [];
let app: App;

beforeEach(() => {
  vi.useFakeTimers();
  logged.length = 0;
  const logger = pino({ level: "debug" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  app = createApp({ name: "timer-logs", logger, config: { env: {}, argv: [] } });
});

afterEach(async () => {
  const stopping = app.stop({ timeout: 100 });
  await vi.advanceTimersByTimeAsync(200);
  await stopping;
  vi.useRealTimers();
});

async function threeRuns(endpoint: Endpoint): Promise<typeof logged> {
  app.router("timer", createTimerRouter().route("job", "1s", endpoint, { initialDelay: 0 }));
  await app.start();
  await vi.advanceTimersByTimeAsync(2_500); // runs at 0, 1 s and 2 s
  return logged.filter((l) => l.msg.includes("refused") || l.level >= 50);
}

describe("timer run logging", () => {
  it("logs runs refused by the rate limit at warn without a stack, none at error", async () => {
    const lines = await threeRuns(filters.limit(() => undefined, { limit: 1, windowMs: 60_000 }));
    expect(lines.map((l) => l.level)).toEqual([40, 40]);
    expect(lines[0]?.msg).toContain("rate limit exceeded");
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });

  it("logs each faulty run once, at error, with its stack", async () => {
    const lines = await threeRuns(
      filters.create(() => {
        throw new TypeError("undefined is not a function");
      }),
    );
    expect(lines.map((l) => l.level)).toEqual([50, 50, 50]);
    expect(lines[2]?.err?.stack).toContain("TypeError: undefined is not a function");
  });
});
