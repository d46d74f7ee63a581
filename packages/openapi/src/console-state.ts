import type { App, CircuitBreaker, RouteInfo } from "@wego/core";
import { type JsonSchema, jsonSchemaOf } from "./json-schema.js";
import { type RecentError, recentErrorsOf } from "./recent-errors.js";

/** One handler as the console shows it. */
export interface ConsoleHandler {
  name: string;
  description?: string;
  /** Every route reaching it: router name and route. */
  routes: Array<{ server: string; route: string }>;
  input?: JsonSchema;
  output?: JsonSchema;
  examples: ReadonlyArray<{ name?: string; input: unknown }>;
  filters: readonly string[];
  /** How the try-it form calls it: through an HTTP route of this router, by name through the console, or not at all. */
  tryIt: { via: "http"; route: string } | { via: "invoke" } | { via: "none" };
  /** From the app's metrics: invocations by code, and latency (ms). */
  calls: { total: number; errors: number; byCode: Record<string, number>; meanMs?: number; p95Ms?: number; inFlight: number };
}

/** What the console page polls. */
export interface ConsoleState {
  app: string;
  state: string;
  production: boolean;
  handlers: ConsoleHandler[];
  /** Breakers given by name, and governance's per marker (`governance: <marker>`, from its circuit gauge). */
  breakers: Array<{ name: string; state: string }>;
  /** The governance rules in force (config key `governance`), when there are any. */
  governance?: unknown;
  errors: readonly RecentError[];
}

type MetricValue = { metricName?: string; labels: Record<string, string | number>; value: number };

/** Sum, count and cumulative buckets per handler from the invocation histogram. */
function metricsByHandler(json: Array<{ name: string; values: MetricValue[] }>) {
  const out = new Map<
    string,
    { byCode: Record<string, number>; sum: number; count: number; buckets: Map<number, number>; inFlight: number }
  >();
  const of = (h: string) => {
    let m = out.get(h);
    if (m === undefined) {
      m = { byCode: {}, sum: 0, count: 0, buckets: new Map(), inFlight: 0 };
      out.set(h, m);
    }
    return m;
  };
  for (const metric of json) {
    for (const v of metric.values) {
      const h = String(v.labels.handler ?? "");
      if (h === "") continue;
      if (metric.name === "wego_invocations_total") {
        const code = String(v.labels.code);
        const m = of(h);
        m.byCode[code] = (m.byCode[code] ?? 0) + v.value;
      } else if (metric.name === "wego_invocations_in_flight") of(h).inFlight += v.value;
      else if (metric.name === "wego_invocation_duration_seconds") {
        const m = of(h);
        if (v.metricName?.endsWith("_sum")) m.sum += v.value;
        else if (v.metricName?.endsWith("_count")) m.count += v.value;
        else if (v.metricName?.endsWith("_bucket")) {
          const le = v.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels.le);
          m.buckets.set(le, (m.buckets.get(le) ?? 0) + v.value);
        }
      }
    }
  }
  return out;
}

const circuitStates = ["closed", "half-open", "open"];

/** Governance's circuit per marker, from its gauge (0 closed, 1 half-open, 2 open). */
function governedCircuits(json: Array<{ name: string; values: MetricValue[] }>): Array<{ name: string; state: string }> {
  const gauge = json.find((m) => m.name === "wego_governance_circuit_state");
  return (gauge?.values ?? []).map((v) => ({
    name: `governance: ${String(v.labels.marker)}`,
    state: circuitStates[v.value] ?? String(v.value),
  }));
}

/** `{ governance }` when the config has rules under `governance`, else nothing. */
function governanceRules(app: App): { governance?: unknown } {
  const rules = app.config.merged("governance");
  return rules === undefined || (typeof rules === "object" && rules !== null && Object.keys(rules).length === 0)
    ? {}
    : { governance: rules };
}

/** The upper bound (ms) of the bucket holding the 95th percentile. */
function p95(buckets: Map<number, number>, count: number): number | undefined {
  if (count === 0) return undefined;
  for (const [le, n] of [...buckets].sort((a, b) => a[0] - b[0])) if (n >= count * 0.95 && Number.isFinite(le)) return le * 1000;
  return undefined;
}

/**
 * The console's view of `app`: each handler with every route reaching it on
 * each router, its schemas, its numbers from the app's metrics registry (the
 * `filters.metrics()` series), the breakers given, and the recent errors.
 */
export async function consoleState(
  app: App,
  httpRoutes: readonly RouteInfo[],
  breakers: Record<string, CircuitBreaker>,
): Promise<ConsoleState> {
  const byName = new Map<string, ConsoleHandler>();
  const json = (await app.metrics.getMetricsAsJSON()) as Array<{ name: string; values: MetricValue[] }>;
  const numbers = metricsByHandler(json);
  const registered = new Set(app.handlers());
  const handler = (name: string): ConsoleHandler => {
    let h = byName.get(name);
    if (h === undefined) {
      const m = numbers.get(name);
      const byCode = m?.byCode ?? {};
      const total = Object.values(byCode).reduce((a, b) => a + b, 0);
      h = {
        name,
        routes: [],
        examples: [],
        filters: [],
        tryIt: registered.has(name) ? { via: "invoke" } : { via: "none" },
        calls: {
          total,
          errors: total - (byCode.ok ?? 0),
          byCode,
          inFlight: m?.inFlight ?? 0,
          ...(m !== undefined && m.count > 0 ? { meanMs: (m.sum / m.count) * 1000 } : {}),
          ...(m !== undefined && p95(m.buckets, m.count) !== undefined ? { p95Ms: p95(m.buckets, m.count) } : {}),
        },
      };
      byName.set(name, h);
    }
    return h;
  };
  for (const name of registered) handler(name);
  const mine = new Set(httpRoutes.map((r) => r.route));
  for (const r of app.routes()) {
    if (r.handler.startsWith("(")) continue;
    const h = handler(r.handler);
    h.routes.push({ server: r.server, route: r.route });
    if (r.info !== undefined && h.input === undefined) {
      const input = jsonSchemaOf(r.info, "input");
      const output = jsonSchemaOf(r.info, "output");
      if (input !== undefined) h.input = input;
      if (output !== undefined) h.output = output;
      if (r.info.description !== undefined) h.description = r.info.description;
      h.examples = r.info.examples.map((e) => ({ ...(e.name === undefined ? {} : { name: e.name }), input: e.input }));
      h.filters = r.info.filters;
    }
    if (h.tryIt.via !== "http" && mine.has(r.route) && /^(GET|POST|PUT|PATCH|DELETE) /.test(r.route))
      h.tryIt = { via: "http", route: r.route };
  }
  return {
    app: app.name,
    state: app.state,
    production: app.production,
    handlers: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    breakers: [...Object.entries(breakers).map(([name, b]) => ({ name, state: b.state })), ...governedCircuits(json)],
    ...governanceRules(app),
    errors: recentErrorsOf(app),
  };
}
