import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { filters } from "../filter.js";
import { governanceOf } from "./governance.js";

const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop({ timeout: 500 });
});

function appWith(
  governance: unknown,
  extra: Record<string, unknown> = {},
): { app: App; file: string; logs: Array<Record<string, unknown>> } {
  const dir = mkdtempSync(join(tmpdir(), "wego-gov-unit-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ governance, ...extra }));
  const logs: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n")) if (l.trim() !== "") logs.push(JSON.parse(l));
      cb();
    },
  });
  const app = createApp({ name: "gov-unit", logger: pino({ level: "info" }, stream), config: { env: {}, argv: [], file } });
  app.handler("echo", async (ctx) => ({ input: ctx.request }));
  apps.push(app);
  return { app, file, logs };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => WegoError.from(e).code,
  );

describe("governance", () => {
  it("with no rules configured, dispatch sees no rules (the one-comparison path)", () => {
    const { app } = appWith(undefined);
    expect(governanceOf(app).rules).toBeUndefined();
    const { app: empty } = appWith({ markers: { any: {} } });
    // A marker without a policy governs nothing either.
    expect(governanceOf(empty).rules).toBeUndefined();
  });

  it("fault abort of 10 % over 2,000 calls lands within ±60 (4.5 σ of the binomial: n 2000, p 0.1, σ 13.4)", async () => {
    const { app } = appWith({ markers: { all: { handler: "echo" } }, fault: { all: { abort: { percent: 10, code: "unavailable" } } } });
    let aborted = 0;
    for (let i = 0; i < 2000; i++) if ((await codeOf(app.invoke("echo", { request: i }))) === "unavailable") aborted++;
    expect(aborted).toBeGreaterThanOrEqual(140);
    expect(aborted).toBeLessThanOrEqual(260);
    const text = await app.metrics.getSingleMetricAsString("wego_governance_faults_total");
    expect(text).toContain(`kind="abort",marker="all"} ${aborted}`);
  });

  it("fault delay holds a call for its fixed ms, and delays only the share asked", async () => {
    const { app } = appWith({ markers: { all: { handler: "echo" } }, fault: { all: { delay: { percent: 100, ms: 120 } } } });
    const t0 = performance.now();
    await app.invoke("echo", {});
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(119);
    expect(took).toBeLessThan(400);
  });

  it("refuses an invalid rule set at start, naming the key and the reason", () => {
    const { app } = appWith({ markers: { m: { handler: { startsWith: "x" } } }, rateLimit: { m: { rate: 1 } } });
    expect(() => governanceOf(app)).toThrow(/governance\.markers\.m\.handler has an unknown operator "startsWith"/);
    const { app: b } = appWith({ markers: {}, rateLimit: { ghost: { rate: 1 } } });
    expect(() => governanceOf(b)).toThrow(/governance\.rateLimit\.ghost names no marker/);
    const { app: c } = appWith({ markers: { m: {} }, rateLimit: { m: { rate: -1 } } });
    expect(() => governanceOf(c)).toThrow(/governance\.rateLimit\.m\.rate must be a number ≥ 0/);
  });

  it("matches markers with every operator, ANDed, on handler, transport, route, method and headers", async () => {
    const { app } = appWith({
      markers: {
        m: {
          handler: "echo",
          transport: { prefix: "mem" },
          route: { regex: "^ech" },
          headers: { "x-tenant": { contains: "acme" }, "x-weight": { ge: 10, lt: 20 } },
        },
      },
      fault: { m: { abort: { percent: 100, code: "permission_denied" } } },
    });
    const call = (meta: Record<string, string>) => codeOf(app.invoke("echo", { meta }));
    expect(await call({ "x-tenant": "big-acme-co", "x-weight": "15" })).toBe("permission_denied");
    expect(await call({ "x-tenant": "big-acme-co", "x-weight": "25" })).toBe("ok");
    expect(await call({ "x-tenant": "big-acme-co", "x-weight": "heavy" })).toBe("ok");
    expect(await call({ "x-tenant": "other", "x-weight": "15" })).toBe("ok");
    expect(await codeOf(app.invoke("echo", { meta: { "x-tenant": "acme", "x-weight": "10" }, transport: "http" }))).toBe("ok");
  });

  it("wraps code filters: policies run first (fault, rateLimit, circuitBreaker, bulkhead, timeout), then the handler's own filters", async () => {
    const { app } = appWith({ markers: { m: { handler: "filtered" } }, rateLimit: { m: { rate: 0, burst: 1 } } });
    let filterRuns = 0;
    app.handler(
      "filtered",
      filters.chain(
        (next) => (ctx) => {
          filterRuns++;
          return next(ctx);
        },
        filters.create(() => "done"),
      ),
    );
    expect(await codeOf(app.invoke("filtered"))).toBe("ok");
    expect(await codeOf(app.invoke("filtered"))).toBe("resource_exhausted");
    // The refused call never reached the code filter.
    expect(filterRuns).toBe(1);
  });

  it("keeps a policy's state across an update that leaves it unchanged, and starts a changed one fresh", async () => {
    const rules = (rate: number) => ({
      markers: { m: { handler: "echo" }, n: { handler: "other" } },
      rateLimit: { m: { rate: 0, burst: 1 }, n: { rate } },
    });
    const { app } = appWith(rules(1));
    const g = governanceOf(app);
    expect(await codeOf(app.invoke("echo"))).toBe("ok");
    g.update(rules(2));
    expect(await codeOf(app.invoke("echo"))).toBe("resource_exhausted");
    g.update({ markers: { m: { handler: "echo" } }, rateLimit: { m: { rate: 0, burst: 2 } } });
    expect(await codeOf(app.invoke("echo"))).toBe("ok");
  });

  it("changes the log level live from the watched file, and refuses an unknown level", async () => {
    const { app, file, logs } = appWith(undefined, { log: { level: "info" } });
    governanceOf(app);
    expect(app.log.level).toBe("info");
    writeFileSync(file, JSON.stringify({ log: { level: "warn" } }));
    for (let i = 0; i < 100 && app.log.level !== "warn"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(app.log.level).toBe("warn");
    writeFileSync(file, JSON.stringify({ log: { level: "loud" } }));
    for (let i = 0; i < 100 && !logs.some((l) => l.key === "log.level"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(app.log.level).toBe("warn");
    expect(logs.find((l) => l.key === "log.level")?.reason).toMatch(/must be one of .*got "loud"/);
    expect(app.config.get("log.level", "")).toBe("warn");
  });

  it("retries a client's call under the retry policy its marker matches, reading the policy at each call", async () => {
    const rules = (attempts: number) => ({ markers: { flaky: { handler: "flaky" } }, retry: { flaky: { attempts, backoffMs: 5 } } });
    const { app } = appWith(rules(3));
    let calls = 0;
    app.handler("flaky", async () => {
      calls++;
      if (calls % 3 !== 0) throw new WegoError("unavailable", "not yet");
      return "ok";
    });
    const g = governanceOf(app);
    const tries: number[] = [];
    const call = () =>
      g.retry({ handler: "flaky", transport: "memory" }, (attempt) => {
        tries.push(attempt);
        return app.invoke("flaky");
      });
    expect(await call()).toBe("ok");
    expect(tries).toEqual([1, 2, 3]);
    g.update(rules(2));
    calls = 0;
    expect(await codeOf(call())).toBe("unavailable");
    expect(calls).toBe(2);
    calls = 0;
    // A call no retry marker matches runs once; a code outside `on` is not retried.
    expect(await codeOf(g.retry({ handler: "other" }, () => app.invoke("flaky")))).toBe("unavailable");
    let invalid = 0;
    await codeOf(
      g.retry({ handler: "flaky" }, async () => {
        invalid++;
        throw new WegoError("invalid_argument", "no");
      }),
    );
    expect(invalid).toBe(1);
  });
});
