import type { Registry } from "prom-client";
import { appOf } from "../app-context.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";

export interface MetricsOptions {
  /** Registry to record into. Default: the app's (`app.metrics`). */
  registry?: Registry;
}

/** Histogram buckets in seconds: 1 ms to 10 s. */
export const durationBuckets: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

/** One (handler, transport, code): the counter and histogram share it. */
interface Series {
  labels: Labels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  buckets: Float64Array;
}

/** One (handler, transport): its in-flight gauge and its series by code. */
interface LabelSet {
  handler: string;
  transport: string;
  inflight: number;
  byCode: Map<string, Series>;
}

/**
 * The numbers behind wego's invocation metrics for one registry. A call
 * touches plain fields; prom-client reads them when scraped, through metric
 * objects that implement its `get()` (prom-client's own label hashing cost
 * ~1 µs per call and metric, several times the rest of the filter).
 */
class InvocationMetrics {
  readonly sets = new Map<string, LabelSet>();

  constructor(registry: Registry) {
    const counter = {
      name: "wego_invocations_total",
      help: "Handler invocations, by outcome code.",
      type: "counter",
      get: async () => ({ ...counter, values: this.#series().map((s) => ({ labels: s.labels, value: s.count })) }),
    };
    const histogram = {
      name: "wego_invocation_duration_seconds",
      help: "Handler invocation time in seconds.",
      type: "histogram",
      get: async () => ({ ...histogram, values: this.#histogram(histogram.name) }),
    };
    const gauge = {
      name: "wego_invocations_in_flight",
      help: "Handler invocations running now.",
      type: "gauge",
      get: async () => ({
        ...gauge,
        values: [...this.sets.values()].map((s) => ({ labels: { handler: s.handler, transport: s.transport }, value: s.inflight })),
      }),
    };
    for (const m of [counter, histogram, gauge]) {
      const metric = Object.assign(m, { aggregator: "sum", reset: () => this.#reset() });
      registry.registerMetric(metric as unknown as Parameters<Registry["registerMetric"]>[0]);
    }
  }

  labelSet(handler: string, transport: string): LabelSet {
    const id = `${handler}\u0000${transport}`;
    let set = this.sets.get(id);
    if (set === undefined) {
      set = { handler, transport, inflight: 0, byCode: new Map() };
      this.sets.set(id, set);
    }
    return set;
  }

  #series(): Series[] {
    const out: Series[] = [];
    for (const set of this.sets.values()) for (const s of set.byCode.values()) out.push(s);
    return out;
  }

  #histogram(name: string): Array<{ metricName: string; labels: Labels; value: number }> {
    const values: Array<{ metricName: string; labels: Labels; value: number }> = [];
    for (const s of this.#series()) {
      let cumulative = 0;
      for (let i = 0; i <= durationBuckets.length; i++) {
        cumulative += s.buckets[i] as number;
        const le = i < durationBuckets.length ? String(durationBuckets[i]) : "+Inf";
        values.push({ metricName: `${name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
      }
      values.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
    }
    return values;
  }

  #reset(): void {
    for (const s of this.#series()) {
      s.count = 0;
      s.sum = 0;
      s.buckets.fill(0);
    }
  }
}

/** Record one finished invocation. */
function observe(set: LabelSet, code: string, seconds: number): void {
  set.inflight--;
  let s = set.byCode.get(code);
  if (s === undefined) {
    s = {
      labels: { handler: set.handler, transport: set.transport, code },
      count: 0,
      sum: 0,
      buckets: new Float64Array(durationBuckets.length + 1),
    };
    set.byCode.set(code, s);
  }
  s.count++;
  s.sum += seconds;
  let i = 0;
  while (i < durationBuckets.length && seconds > (durationBuckets[i] as number)) i++;
  (s.buckets[i] as number)++;
}

const byRegistry = new WeakMap<Registry, InvocationMetrics>();

function metricsOf(registry: Registry): InvocationMetrics {
  let m = byRegistry.get(registry);
  if (m === undefined) {
    m = new InvocationMetrics(registry);
    byRegistry.set(registry, m);
  }
  return m;
}

/**
 * Prometheus metrics per invocation, recorded in the app's registry
 * (`app.metrics`, which the HTTP router serves on /metrics):
 * `wego_invocations_total` and `wego_invocation_duration_seconds` labelled
 * handler / transport / code (`ok` or the error code), and
 * `wego_invocations_in_flight` labelled handler / transport. Registered once
 * per registry, however many filters and handlers use them.
 *
 * @example
 * filters.chain(filters.metrics(), filters.response(), endpoint)
 */
export function metrics(options: MetricsOptions = {}): Filter {
  const fixed = options.registry === undefined ? undefined : metricsOf(options.registry);
  // Most calls through one filter come from one app, handler and transport: remember the last.
  let lastApp: unknown;
  let lastMetrics: InvocationMetrics | undefined;
  let lastSet: LabelSet | undefined;

  const setOf = (ctx: Context): LabelSet | undefined => {
    let m = fixed;
    if (m === undefined) {
      const app = appOf(ctx);
      if (app !== lastApp) {
        lastApp = app;
        lastMetrics = app === undefined ? undefined : metricsOf(app.metrics);
        lastSet = undefined;
      }
      m = lastMetrics;
      if (m === undefined) return undefined;
    }
    if (lastSet === undefined || lastSet.handler !== ctx.handler || lastSet.transport !== ctx.transport) {
      lastSet = m.labelSet(ctx.handler, ctx.transport);
    }
    return lastSet;
  };

  return (next) =>
    async function metricsFilter(ctx) {
      const set = setOf(ctx);
      if (set === undefined) return next(ctx);
      set.inflight++;
      const start = performance.now();
      let result: unknown;
      try {
        result = await next(ctx);
      } catch (err) {
        observe(set, WegoError.from(err).code, (performance.now() - start) / 1000);
        throw err;
      }
      observe(set, "ok", (performance.now() - start) / 1000);
      return result;
    };
}
