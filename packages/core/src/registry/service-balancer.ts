import type { Config } from "../config.js";
import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from "../filters/circuit-breaker.js";
import type { Registry, ServiceInstance } from "../ports.js";
import { type Candidate, type PickRequest, type Strategy, type StrategyName, strategyOf } from "./strategies.js";

/**
 * A canary route rule (go-chassis's route rules, client side): calls whose
 * headers all match go to instances by weighted shares of version or tags.
 *
 * @example
 * // x-canary: 1 → v2; everyone else 90 % v1, 10 % v2
 * [{ match: { headers: { "x-canary": "1" } }, routes: [{ weight: 100, version: "2" }] },
 *  { routes: [{ weight: 90, version: "1" }, { weight: 10, version: "2" }] }]
 */
export interface RouteRule {
  /** Headers that must all be present with these exact values; none: every call matches. */
  match?: { headers?: Readonly<Record<string, string>> };
  /** Destinations with their share (weights are relative). */
  routes: ReadonlyArray<{ weight: number; version?: string; tags?: Readonly<Record<string, string>> }>;
}

/** Options of {@link createServiceBalancer}. */
export interface ServiceBalancerOptions {
  registry: Registry;
  service: string;
  /** Which endpoint of an instance to use (`http`, `grpc`…). */
  transport: string;
  /** A strategy or its name; default round robin. */
  strategy?: Strategy | StrategyName;
  /** Only instances carrying all these tags. */
  tags?: Readonly<Record<string, string>>;
  /** Prefer instances of this zone; others serve only when the zone has none. */
  zone?: string;
  /** Canary rules, first match wins. */
  rules?: readonly RouteRule[];
  /** Live rules: config key holding the rule list (e.g. `routeRules.orders`), watched (a bad list is refused, the last good kept). */
  rulesFrom?: { config: Config; key: string };
  /** A breaker per instance (core's, Hystrix defaults); an open one is skipped. `false`: none. */
  breaker?: CircuitBreakerOptions | false;
  /** Weight of a new latency sample in the EWMA (0–1). Default 0.3. */
  ewmaAlpha?: number;
  /** [0, 1) random source for weighted choices (tests). */
  rng?: () => number;
}

/** A candidate with its breaker. */
export interface Target extends Candidate {
  readonly breaker: CircuitBreaker | undefined;
}

/** A service's instances kept current by the registry's watch, and the choice of one per attempt. */
export interface ServiceBalancer {
  /** Resolves once the first list arrived. */
  ready(): Promise<void>;
  /** The instances now. */
  readonly targets: readonly Target[];
  /**
   * The instance for one attempt: rules, then filters, then instances whose
   * breaker is not open and that this call has not `tried` yet (a retry goes
   * to the next instance; to a tried one only when none is left), then the strategy.
   * Throws `unavailable` (`WEGO_ERR_NO_INSTANCE`) when the service has no instance.
   */
  pick(req?: PickRequest, tried?: ReadonlySet<Target>): Target;
  /** An attempt on `t` ended: feeds the EWMA, the breaker and the strategy. */
  report(t: Target, ok: boolean, latencyMs: number, req?: PickRequest): void;
  /** Replace the route rules. */
  setRules(rules: readonly RouteRule[]): void;
  close(): void;
}

const matchesTags = (i: ServiceInstance, tags: Readonly<Record<string, string>> | undefined): boolean =>
  tags === undefined || Object.entries(tags).every(([k, v]) => i.tags?.[k] === v);

const header = (req: PickRequest, name: string): string | undefined => {
  const v = req.headers?.[name] ?? req.headers?.[name.toLowerCase()];
  return typeof v === "string" ? v : v?.[0];
};

/** Check a rule list (config values are untrusted): throws on a bad one. */
export function parseRouteRules(value: unknown): RouteRule[] {
  if (value === undefined || value === null || value === "") return [];
  const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) throw new TypeError("route rules must be a list");
  for (const r of list as RouteRule[]) {
    if (!Array.isArray(r?.routes) || r.routes.length === 0) throw new TypeError("a route rule needs routes");
    for (const d of r.routes)
      if (typeof d.weight !== "number" || !(d.weight >= 0))
        throw new TypeError(`a route's weight must be a number ≥ 0, got ${String(d.weight)}`);
  }
  return list as RouteRule[];
}

/**
 * Client-side discovery for one service: the registry's watch keeps the
 * instances current; each attempt picks one through the route rules, the
 * tag and zone filters, the per-instance breakers and the strategy.
 */
export function createServiceBalancer(options: ServiceBalancerOptions): ServiceBalancer {
  const strategy = strategyOf(options.strategy);
  const rng = options.rng ?? Math.random;
  const alpha = options.ewmaAlpha ?? 0.3;
  let rules: readonly RouteRule[] = options.rules ?? [];
  let targets: Target[] = [];
  let unwatch: (() => void) | undefined;
  let closed = false;
  const byId = new Map<string, Target>();

  const update = (list: ServiceInstance[]): void => {
    const next: Target[] = [];
    const seen = new Set<string>();
    for (const i of list) {
      const url = i.endpoints[options.transport];
      if (url === undefined || seen.has(i.id)) continue;
      seen.add(i.id);
      const old = byId.get(i.id);
      // Keep an instance's measurements and breaker across updates unless its address changed.
      if (old !== undefined && old.url === url) {
        next.push(Object.assign(old, { instance: i }));
        continue;
      }
      const breaker =
        options.breaker === false ? undefined : createCircuitBreaker({ name: `${options.service}/${i.id}`, ...options.breaker });
      next.push({ instance: i, url, ewmaMs: 0, failures: 0, breaker });
    }
    byId.clear();
    for (const t of next) byId.set(t.instance.id, t);
    targets = next;
  };

  const started = options.registry.watch(options.service, update).then((off) => {
    if (closed) off();
    else unwatch = off;
  });
  let stopRules: (() => void) | undefined;
  if (options.rulesFrom !== undefined) {
    const { config, key } = options.rulesFrom;
    rules = parseRouteRules(config.merged(key));
    // Throwing refuses the change: config keeps the last good value (and so do we).
    stopRules = config.watch(key, (value) => {
      rules = parseRouteRules(value);
    });
  }

  function byRule(list: readonly Target[], req: PickRequest): readonly Target[] {
    const rule = rules.find((r) => Object.entries(r.match?.headers ?? {}).every(([k, v]) => header(req, k) === v));
    if (rule === undefined) return list;
    const total = rule.routes.reduce((a, d) => a + d.weight, 0);
    if (total <= 0) return list;
    let r = rng() * total;
    let dest = rule.routes[rule.routes.length - 1];
    for (const d of rule.routes) {
      r -= d.weight;
      if (r < 0) {
        dest = d;
        break;
      }
    }
    const chosen = list.filter(
      (t) => (dest?.version === undefined || t.instance.version === dest.version) && matchesTags(t.instance, dest?.tags),
    );
    // No instance of the chosen version (not deployed yet, or all gone): serve the call anyway.
    return chosen.length > 0 ? chosen : list;
  }

  return {
    ready: () => started,
    get targets() {
      return targets;
    },
    pick(req = {}, tried) {
      let list: readonly Target[] = targets;
      if (options.tags !== undefined) list = list.filter((t) => matchesTags(t.instance, options.tags));
      if (options.zone !== undefined) {
        const local = list.filter((t) => t.instance.zone === options.zone);
        if (local.length > 0) list = local;
      }
      if (list.length === 0) throw frameworkError("WEGO_ERR_NO_INSTANCE", options.service, options.transport);
      list = byRule(list, req);
      const closedOnes = list.filter((t) => t.breaker?.state !== "open");
      if (closedOnes.length > 0) list = closedOnes;
      if (tried !== undefined && tried.size > 0) {
        const fresh = list.filter((t) => !tried.has(t));
        if (fresh.length > 0) list = fresh;
      }
      return strategy.pick(list, req) as Target;
    },
    report(t, ok, latencyMs, req = {}) {
      if (ok) t.ewmaMs = t.ewmaMs === 0 ? latencyMs : t.ewmaMs + alpha * (latencyMs - t.ewmaMs);
      t.failures = ok ? 0 : t.failures + 1;
      strategy.report?.(t, ok, req);
      // The breaker learns the outcome after the fact; while open it refuses the record, which is fine (nothing changes).
      t.breaker?.run(() => (ok ? Promise.resolve() : Promise.reject(new WegoError("unavailable", "attempt failed")))).catch(() => {});
    },
    setRules(next) {
      rules = parseRouteRules(next);
    },
    close() {
      closed = true;
      unwatch?.();
      stopRules?.();
    },
  };
}
