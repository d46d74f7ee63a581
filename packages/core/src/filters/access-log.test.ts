import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { accessLog } from "./access-log.js";

function capture(level = "info") {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  // Count child loggers: a context builds one the first time `ctx.log` is read.
  const counts = { children: 0 };
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    counts.children++;
    return child(...args);
  }) as typeof logger.child;
  return { app: createApp({ logger, config: { env: {}, argv: [] } }), lines, counts };
}

describe("filters.accessLog", () => {
  it("writes one line per invocation with route, transport, handler, code and duration", async () => {
    const { app, lines } = capture();
    app.handler(
      "user.get",
      filters.chain(accessLog(), async () => ({ id: 7 })),
    );
    app.handler(
      "user.fail",
      filters.chain(accessLog(), async () => {
        throw new WegoError("not_found", "no user");
      }),
    );
    await invoke(app, "user.get", {}, { transport: "http", id: "req-1" });
    await invoke(app, "user.fail", {}, { transport: "grpc" }).catch(() => {});
    const access = lines.filter((l) => l.durationMs !== undefined);
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ level: 30, reqId: "req-1", route: "user.get", transport: "http", handler: "user.get", code: "ok" });
    expect(access[0]?.msg).toMatch(/^http user.get ok [\d.]+ ms$/);
    expect(access[1]).toMatchObject({ transport: "grpc", handler: "user.fail", code: "not_found" });
    expect(typeof access[1]?.durationMs).toBe("number");
  });

  it("costs nothing when its level is off: no line, and the context's logger is never built", async () => {
    const { app, lines, counts } = capture("warn");
    app.handler(
      "quiet",
      filters.chain(accessLog({ level: "info" }), async () => 1),
    );
    expect(await invoke(app, "quiet")).toBe(1);
    expect(lines).toHaveLength(0);
    expect(counts.children).toBe(0);
    // and with the level on, it does log (so the count above means something)
    app.handler(
      "loud",
      filters.chain(accessLog({ level: "warn" }), async () => 2),
    );
    expect(await invoke(app, "loud")).toBe(2);
    expect(lines).toHaveLength(1);
    expect(counts.children).toBe(1);
  });
});
