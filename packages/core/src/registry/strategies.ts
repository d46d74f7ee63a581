import type { ServiceInstance } from "../ports.js";

/** What a strategy knows of one call: the session key (sticky) and the caller's headers (route rules). */
export interface PickRequest {
  /** Session key: calls with the same key stay on one instance (session sticky). */
  key?: string;
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** One instance as the balancer tracks it. */
export interface Candidate {
  readonly instance: ServiceInstance;
  /** The instance's base URL for the client's transport. */
  readonly url: string;
  /** Latency EWMA, ms (0 until the first answer). */
  ewmaMs: number;
  /** Failures in a row. */
  failures: number;
}

/** A load-balancing strategy: choose among the candidates left after filters and route rules. */
export interface Strategy {
  readonly name: string;
  /** One of `candidates` (never empty). */
  pick(candidates: readonly Candidate[], req: PickRequest): Candidate;
  /** An attempt on `c` ended. */
  report?(c: Candidate, ok: boolean, req: PickRequest): void;
}

/** The strategies by name; go-chassis's names in docs/discovery.md. */
export type StrategyName = "roundRobin" | "random" | "sessionSticky" | "weightedResponse";

/** Round robin: each candidate in turn. */
export function roundRobin(): Strategy {
  let next = 0;
  return {
    name: "roundRobin",
    pick(c) {
      next = (next + 1) % 0x7fffffff;
      return c[next % c.length] as Candidate;
    },
  };
}

/** Uniformly random. `rng` returns [0, 1) (injectable for tests). */
export function random(rng: () => number = Math.random): Strategy {
  return { name: "random", pick: (c) => c[Math.floor(rng() * c.length)] as Candidate };
}

/**
 * Session sticky: the first call of a key goes where `fallback` (round
 * robin) sends it, and later calls of that key follow, until `maxFailures`
 * attempts in a row fail there; then the key moves to another instance.
 * Calls without a key are balanced by `fallback`. Keys are forgotten
 * least-recently-used beyond `maxKeys`.
 */
export function sessionSticky(options: { maxFailures?: number; maxKeys?: number; fallback?: Strategy } = {}): Strategy {
  const maxFailures = options.maxFailures ?? 3;
  const maxKeys = options.maxKeys ?? 100_000;
  const fallback = options.fallback ?? roundRobin();
  // key → instance id and failures in a row there; Map order is recency (re-set on use).
  const sessions = new Map<string, { id: string; failures: number }>();
  return {
    name: "sessionSticky",
    pick(c, req) {
      if (req.key === undefined) return fallback.pick(c, req);
      const s = sessions.get(req.key);
      if (s !== undefined) {
        const here = c.find((x) => x.instance.id === s.id);
        if (here !== undefined && s.failures < maxFailures) {
          sessions.delete(req.key);
          sessions.set(req.key, s);
          return here;
        }
      }
      // A new key, or its instance is gone or failed too often: move on (elsewhere when there is an elsewhere).
      const others = s === undefined || c.length === 1 ? c : c.filter((x) => x.instance.id !== s.id);
      const chosen = fallback.pick(others, req);
      sessions.delete(req.key);
      sessions.set(req.key, { id: chosen.instance.id, failures: 0 });
      if (sessions.size > maxKeys) sessions.delete(sessions.keys().next().value as string);
      return chosen;
    },
    report(cand, ok, req) {
      if (req.key === undefined) return;
      const s = sessions.get(req.key);
      if (s === undefined || s.id !== cand.instance.id) return;
      s.failures = ok ? 0 : s.failures + 1;
    },
  };
}

/**
 * Weighted response time: each candidate's chance is proportional to the
 * inverse of its latency EWMA, so a slow instance gets fewer calls but is
 * still probed. Candidates not measured yet count as the fastest (they get
 * calls, and so a measurement).
 */
export function weightedResponse(rng: () => number = Math.random): Strategy {
  return {
    name: "weightedResponse",
    pick(c) {
      const measured = c.filter((x) => x.ewmaMs > 0);
      const fastest = measured.length === 0 ? 1 : Math.min(...measured.map((x) => x.ewmaMs));
      const weights = c.map((x) => 1 / Math.max(0.05, x.ewmaMs > 0 ? x.ewmaMs : fastest));
      let r = rng() * weights.reduce((a, b) => a + b, 0);
      for (let i = 0; i < c.length; i++) {
        r -= weights[i] as number;
        if (r < 0) return c[i] as Candidate;
      }
      return c[c.length - 1] as Candidate;
    },
  };
}

/** A strategy by name (config values), or the strategy given. */
export function strategyOf(s: Strategy | StrategyName | undefined): Strategy {
  if (s === undefined) return roundRobin();
  if (typeof s !== "string") return s;
  switch (s) {
    case "roundRobin":
      return roundRobin();
    case "random":
      return random();
    case "sessionSticky":
      return sessionSticky();
    case "weightedResponse":
      return weightedResponse();
    default:
      throw new TypeError(`unknown balancing strategy "${String(s)}" (roundRobin, random, sessionSticky, weightedResponse)`);
  }
}

/** The built-in strategies: `strategies.sessionSticky({ maxFailures: 2 })`; pass one (or any {@link Strategy}) as a client's `strategy`. */
export const strategies = { roundRobin, random, sessionSticky, weightedResponse } as const;
