// Issue 16 item 9: a run refused by a filter (rate limit) is the filter doing
// its job, not a fault: one warn line without a stack, never level 50. A
// fault is logged once, at error, with its stack (not once by the handler's
// filter and again by the router).
import { type App, createApp, filters, type Service } from "@wego/core";
import pino from "pino";
import { afterEach, expect, it, vi } from "vitest";
import { createCronRouter } from "./cron-router.js";

type Line = Record<string, unknown> & { level: number; msg: string };
let app: App | undefined;

async function cronLogs(handler: Service | undefined, crash?: boolean): Promise<Line[]> {
  const lines: Line[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  app = createApp({ name: "cron-logs", logger, config: { env: {}, argv: [] } });
  const work: Service = handler ?? (() => undefined);
  app.handler(
    "job",
    crash
      ? filters.create(() => {
          throw new Error("disk on fire");
        })
      : filters.limit(work, { limit: 1, windowMs: 60_000 }),
  );
  app.router("cron", createCronRouter().route("* * * * * *", "job"));
  await app.start();
  await vi.advanceTimersByTimeAsync(2_000); // ticks :02 and :03
  return lines.filter((l) => l.msg !== undefined && !/started|stopp/.test(l.msg));
}

afterEach(async () => {
  const stopping = app?.stop({ timeout: 100 });
  await vi.advanceTimersByTimeAsync(200);
  await stopping;
  app = undefined;
  vi.useRealTimers();
});

it("logs a run refused by the rate limit at warn without a stack, and nothing at error", async () => {
  vi.useFakeTimers({ now: Date.parse("2026-03-02T00:00:01.300Z") });
  const lines = await cronLogs(undefined);
  expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  const refused = lines.filter((l) => l.level === 40);
  expect(refused).toHaveLength(1);
  expect(refused[0]?.msg).toContain("rate limit exceeded");
  expect(JSON.stringify(refused[0])).not.toContain('"stack"');
});

it("logs a fault exactly once, at error, with its stack", async () => {
  vi.useFakeTimers({ now: Date.parse("2026-03-02T00:00:01.300Z") });
  const lines = await cronLogs(undefined, true);
  const errors = lines.filter((l) => l.level >= 50);
  expect(errors).toHaveLength(2); // two ticks, one line each
  for (const e of errors) expect((e.err as { stack?: string }).stack).toContain("disk on fire");
});
