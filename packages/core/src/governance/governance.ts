import type { Counter, Gauge, Registry } from "prom-client";
import type { App } from "../app.js";
import type { Context } from "../context.js";
import type { Endpoint, Filter } from "../filter.js";
import type { CircuitState } from "../filters/circuit-breaker.js";
import { lazyRequire } from "../lazy-require.js";
import { compileMarker, RuleError } from "./marker.js";
import {
  buildPolicy,
  POLICY_KINDS,
  POLICY_ORDER,
  type PolicyEnv,
  type PolicyEvents,
  type PolicyKind,
  type RetrySpec,
  validatePolicy,
} from "./policies.js";
import { tokenBucketStoreKey } from "./token-bucket.js";

/** What dispatch needs of a route to govern it (a `DispatchTarget`). */
export interface GovernedTarget {
  readonly endpoint: Endpoint;
}

/** Markers with policies that one rule set can hold: a bit each in the per-invocation match mask. */
export const MAX_GOVERNED_MARKERS = 31;

interface Marker {
  name: string;
  match: (ctx: Context) => boolean;
  /** Policies wrapping a served invocation, outermost first. */
  filters: Filter[];
}

/** A validated, built rule set. */
interface Rules {
  markers: Marker[];
  retry: Map<string, { spec: RetrySpec; match: (ctx: Context) => boolean }>;
  /** One composed endpoint per route target and set of matched markers, built on first use. */
  chains: WeakMap<GovernedTarget, Map<number, Endpoint>>;
  /** Built policies by `marker kind spec`, so an unchanged policy keeps its state across updates. */
  built: Map<string, Filter>;
}

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Governance of one app: the rules under config key `governance` (markers
 * and policies per marker), watched and rebuilt on every change; dispatch
 * asks `rules` once per invocation and, only when there are rules, runs the
 * invocation through {@link Governance.run}.
 */
export class Governance {
  /** The rules in force; undefined when none is configured (dispatch then costs one comparison). */
  rules: Rules | undefined;
  readonly #app: App;
  #metrics: { rejected: Counter; faults: Counter; circuit: Gauge } | undefined;
  readonly #events: PolicyEvents;
  readonly #unwatch: Array<() => void> = [];
  /** Randomness for fault injection (tests may replace it). */
  random: () => number = Math.random;

  constructor(app: App) {
    this.#app = app;
    this.#events = {
      rejected: (policy, marker) => this.#m().rejected.inc({ policy, marker }),
      fault: (kind, marker) => this.#m().faults.inc({ kind, marker }),
      circuit: (marker, state) => this.#m().circuit.set({ marker }, CIRCUIT_VALUE[state]),
    };
    const config = app.config;
    this.update(config.merged("governance"));
    this.#unwatch.push(config.watch("governance", (value) => this.update(value)));
    this.#unwatch.push(
      config.watch("log.level", (value) => {
        if (value === undefined) return;
        if (typeof value !== "string" || app.log.levels.values[value] === undefined)
          throw new RuleError(`must be one of ${Object.keys(app.log.levels.values).join(", ")}, got ${JSON.stringify(value)}`);
        app.log.level = value;
      }),
    );
  }

  /** Stop following config (the app stopped). */
  close(): void {
    for (const u of this.#unwatch.splice(0)) u();
  }

  #m(): { rejected: Counter; faults: Counter; circuit: Gauge } {
    if (this.#metrics !== undefined) return this.#metrics;
    const registry = this.#app.metrics;
    // prom-client loads only for an app with rules (as app.metrics loads it only when asked).
    const { Counter: C, Gauge: G } = lazyRequire<typeof import("prom-client")>("prom-client");
    // One metric per name and registry (two governed apps may share a registry): reuse what is there.
    const metric = <M>(
      Kind: new (o: { name: string; help: string; labelNames: string[]; registers: Registry[] }) => M,
      name: string,
      help: string,
      labelNames: string[],
    ): M => (registry.getSingleMetric(name) as M | undefined) ?? new Kind({ name, help, labelNames, registers: [registry] });
    this.#metrics = {
      rejected: metric(C, "wego_governance_rejections_total", "Invocations refused by a governance policy", ["policy", "marker"]),
      faults: metric(C, "wego_governance_faults_total", "Faults injected by governance", ["kind", "marker"]),
      circuit: metric(G, "wego_governance_circuit_state", "Circuit of a marker: 0 closed, 1 half-open, 2 open", ["marker"]),
    };
    return this.#metrics;
  }

  /**
   * Validate and build `tree` (the `governance` config value) and put it in
   * force; throws a RuleError naming the key and reason, leaving the rules
   * in force as they were.
   */
  update(tree: unknown): void {
    if (tree === undefined || tree === null) {
      this.rules = undefined;
      return;
    }
    if (typeof tree !== "object" || Array.isArray(tree)) throw new RuleError("governance must be an object");
    const t = tree as Record<string, unknown>;
    for (const k of Object.keys(t))
      if (k !== "markers" && !(POLICY_KINDS as readonly string[]).includes(k))
        throw new RuleError(`governance has an unknown key "${k}" (known: markers, ${POLICY_KINDS.join(", ")})`);
    const markerSpecs = (t.markers ?? {}) as Record<string, unknown>;
    if (typeof markerSpecs !== "object" || Array.isArray(markerSpecs)) throw new RuleError("governance.markers must be an object");
    const previous = this.rules?.built ?? new Map<string, Filter>();
    const built = new Map<string, Filter>();
    const retry = new Map<string, { spec: RetrySpec; match: (ctx: Context) => boolean }>();
    const retrySpecs = new Map<string, RetrySpec>();
    const bySpecs = new Map<string, Array<[PolicyKind, unknown]>>();
    for (const kind of POLICY_KINDS) {
      const perMarker = t[kind];
      if (perMarker === undefined) continue;
      if (perMarker === null || typeof perMarker !== "object" || Array.isArray(perMarker))
        throw new RuleError(`governance.${kind} must be an object of policies by marker name`);
      for (const [marker, raw] of Object.entries(perMarker)) {
        const where = `governance.${kind}.${marker}`;
        if (!Object.hasOwn(markerSpecs, marker)) throw new RuleError(`${where} names no marker (define governance.markers.${marker})`);
        const spec = validatePolicy(kind, where, raw);
        if (kind === "retry") retrySpecs.set(marker, spec as RetrySpec);
        else {
          const list = bySpecs.get(marker) ?? [];
          list.push([kind, spec]);
          bySpecs.set(marker, list);
        }
      }
    }
    const markers: Marker[] = [];
    const env = (marker: string): PolicyEnv => ({
      marker,
      events: this.#events,
      buckets: this.#app.get(tokenBucketStoreKey),
      namespace: this.#app.name,
      random: () => this.random(),
    });
    for (const [name, spec] of Object.entries(markerSpecs)) {
      const match = compileMarker(`governance.markers.${name}`, spec);
      const r = retrySpecs.get(name);
      if (r !== undefined) retry.set(name, { spec: r, match });
      const policies = bySpecs.get(name);
      if (policies === undefined) continue;
      policies.sort(([a], [b]) => POLICY_ORDER.indexOf(a as never) - POLICY_ORDER.indexOf(b as never));
      const filters: Filter[] = [];
      for (const [kind, pspec] of policies) {
        const key = `${name}\u0000${kind}\u0000${JSON.stringify(pspec)}`;
        let f = previous.get(key);
        if (f === undefined) {
          try {
            f = buildPolicy(kind as Exclude<PolicyKind, "retry">, pspec, env(name));
          } catch (err) {
            throw new RuleError(`governance.${kind}.${name}: ${(err as Error).message}`);
          }
        }
        built.set(key, f);
        filters.push(f);
      }
      markers.push({ name, match, filters });
    }
    if (markers.length > MAX_GOVERNED_MARKERS)
      throw new RuleError(`governance has ${markers.length} markers with policies; at most ${MAX_GOVERNED_MARKERS}`);
    this.rules = markers.length === 0 && retry.size === 0 ? undefined : { markers, retry, chains: new WeakMap(), built };
  }

  /** Run an invocation through the policies of the markers it matches (first marker outermost), then its endpoint. */
  run(target: GovernedTarget, ctx: Context): Promise<unknown> {
    const rules = this.rules as Rules;
    const { markers } = rules;
    let mask = 0;
    for (let i = 0; i < markers.length; i++) if ((markers[i] as Marker).match(ctx)) mask |= 1 << i;
    if (mask === 0) return target.endpoint(ctx);
    let chains = rules.chains.get(target);
    if (chains === undefined) {
      chains = new Map();
      rules.chains.set(target, chains);
    }
    let endpoint = chains.get(mask);
    if (endpoint === undefined) {
      endpoint = target.endpoint;
      for (let i = markers.length - 1; i >= 0; i--) {
        if ((mask & (1 << i)) === 0) continue;
        const fs = (markers[i] as Marker).filters;
        for (let j = fs.length - 1; j >= 0; j--) endpoint = (fs[j] as Filter)(endpoint);
      }
      chains.set(mask, endpoint);
    }
    return endpoint(ctx);
  }

  /** The retry policy of the first marker with one that `ctx` matches (for clients making a call). */
  retryFor(ctx: Pick<Context, "handler" | "transport" | "route" | "meta" | "id">): RetrySpec | undefined {
    const rules = this.rules;
    if (rules === undefined || rules.retry.size === 0) return undefined;
    for (const { spec, match } of rules.retry.values()) if (match(ctx as Context)) return spec;
    return undefined;
  }

  /**
   * Make an outgoing call under the retry policy its description matches
   * (`governance.retry.<marker>`; the marker sees `call` as it would an
   * invocation: handler, transport, route, meta): `fn` runs again while it
   * fails with a code in the policy's `on`, up to `attempts` tries, waiting
   * `backoffMs`, doubled each time. Without a matching policy `fn` runs once.
   * The policy is read at each call, so a change applies to the next one.
   */
  async retry<T>(call: OutgoingCall, fn: (attempt: number) => Promise<T>): Promise<T> {
    const spec = this.retryFor({
      handler: call.handler ?? "",
      transport: call.transport ?? "",
      route: call.route ?? "",
      meta: call.meta ?? {},
      id: "",
    });
    const attempts = spec?.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        if (spec === undefined || attempt >= attempts || spec.on?.includes(code as never) !== true) throw err;
        const wait = (spec.backoffMs ?? 0) * 2 ** (attempt - 1);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}

/** An outgoing call as a retry marker sees it. */
export interface OutgoingCall {
  /** The remote handler or operation. */
  handler?: string;
  /** The client's transport (`http`, `grpc`, `ws`…). */
  transport?: string;
  /** The route called (`GET /orders/1`, a gRPC route…). */
  route?: string;
  /** Headers / metadata sent. */
  meta?: Record<string, string | string[] | undefined>;
}

const byApp = new WeakMap<App, Governance>();

/**
 * The governance of `app`, created on first use (a transport's dispatcher
 * at start): it reads and watches config `governance` and `log.level`
 * until the app stops.
 */
export function governanceOf(app: App): Governance {
  let g = byApp.get(app);
  if (g === undefined) {
    g = new Governance(app);
    byApp.set(app, g);
    const created = g;
    app.onShutdown(() => created.close());
  }
  return g;
}
