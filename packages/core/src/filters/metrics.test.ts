import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { metrics } from "./metrics.js";

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // A histogram's _count/_sum/_bucket series are values of the base metric, told apart by metricName.
  const base = name.replace(/_(count|sum|bucket)$/, "");
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === base);
  const match = metric?.values.find(
    (v) => ((v as { metricName?: string }).metricName ?? base) === name && Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  );
  return match?.value;
}

describe("filters.metrics", () => {
  it("counts invocations and times them by handler, transport and code, in the app's registry", async () => {
    const app = newApp();
    const ok: Endpoint = async () => "ok";
    const bad: Endpoint = async () => {
      throw new WegoError("invalid_argument", "no");
    };
    app.handler("a", filters.chain(metrics(), ok));
    app.handler("b", filters.chain(metrics(), bad));
    await invoke(app, "a", {}, { transport: "http" });
    await invoke(app, "a", {}, { transport: "http" });
    await invoke(app, "a", {}, { transport: "grpc" });
    await invoke(app, "b", {}, { transport: "http" }).catch(() => {});
    const r = app.metrics;
    expect(await value(r, "wego_invocations_total", { handler: "a", transport: "http", code: "ok" })).toBe(2);
    expect(await value(r, "wego_invocations_total", { handler: "a", transport: "grpc", code: "ok" })).toBe(1);
    expect(await value(r, "wego_invocations_total", { handler: "b", transport: "http", code: "invalid_argument" })).toBe(1);
    expect(await value(r, "wego_invocation_duration_seconds_count", { handler: "a", transport: "http", code: "ok" })).toBe(2);
    expect(await value(r, "wego_invocations_in_flight", { handler: "a", transport: "http" })).toBe(0);
    const text = await r.metrics();
    expect(text).toContain("# TYPE wego_invocation_duration_seconds histogram");
    // Buckets are cumulative and end at +Inf = count.
    const buckets = [
      ...text.matchAll(/wego_invocation_duration_seconds_bucket\{le="([^"]+)",handler="a",transport="http",code="ok"\} (\d+)/g),
    ];
    expect(buckets.map((m) => m[1])).toEqual([
      "0.001",
      "0.0025",
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.1",
      "0.25",
      "0.5",
      "1",
      "2.5",
      "5",
      "10",
      "+Inf",
    ]);
    const counts = buckets.map((m) => Number(m[2]));
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] as number);
    expect(counts.at(-1)).toBe(2);
    expect(text).toMatch(/wego_invocation_duration_seconds_sum\{handler="a",transport="http",code="ok"\} [\d.e-]+/);
    r.resetMetrics();
    expect(await value(r, "wego_invocations_total", { handler: "a", transport: "http", code: "ok" })).toBe(0);
  });

  it("shows invocations in flight", async () => {
    const app = newApp();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    app.handler(
      "slow",
      filters.chain(metrics(), async () => {
        await gate;
      }),
    );
    const calls = [invoke(app, "slow"), invoke(app, "slow")];
    await new Promise((r) => setTimeout(r, 5));
    expect(await value(app.metrics, "wego_invocations_in_flight", { handler: "slow" })).toBe(2);
    release();
    await Promise.all(calls);
    expect(await value(app.metrics, "wego_invocations_in_flight", { handler: "slow" })).toBe(0);
  });

  it("one set of metrics per registry, however many filters and apps", async () => {
    const one = newApp();
    const two = newApp();
    const ep = filters.chain(metrics(), async () => 1);
    const other = filters.chain(metrics(), async () => 2);
    await invoke(one, ep);
    await invoke(one, other);
    await invoke(two, ep);
    expect(await value(one.metrics, "wego_invocations_total", { code: "ok" })).toBe(2);
    expect(await value(two.metrics, "wego_invocations_total", { code: "ok" })).toBe(1);
    const given = new Registry();
    await invoke(
      one,
      filters.chain(metrics({ registry: given }), async () => 3),
    );
    expect(await value(given, "wego_invocations_total", { code: "ok" })).toBe(1);
    expect(await value(one.metrics, "wego_invocations_total", { code: "ok" })).toBe(2);
  });
});
