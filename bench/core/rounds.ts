// Many short rounds, every case once per round in rotated order, and ratios
// taken per round against a reference case: on a shared machine whose load
// swings several-fold within a minute, a ratio measured within one round is
// far steadier than either absolute figure.
import type { MicroCase } from "../lib/micro.ts";

export interface RoundResult {
  name: string;
  /** Median ops/s over rounds. */
  opsPerSec: number;
  /** ops/s of each round, in round order (aligned across cases). */
  runs: number[];
}

async function timed(c: MicroCase, ms: number): Promise<number> {
  let ops = 0;
  let batch = 256;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await c.run(batch);
    ops += batch;
    now = performance.now();
    if (batch < 65_536 && now - start < ms / 10) batch *= 2;
  }
  return ops / ((now - start) / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Run `cases` for `rounds` rounds of `ms` each, after one warm-up round. */
export async function runRounds(cases: MicroCase[], opts: { rounds?: number; ms?: number } = {}): Promise<RoundResult[]> {
  const rounds = opts.rounds ?? Number(process.env.ROUNDS ?? 15);
  const ms = opts.ms ?? Number(process.env.ROUND_MS ?? 300);
  for (const c of cases) await timed(c, ms);
  const runs = cases.map(() => new Array<number>(rounds));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      (runs[i] as number[])[r] = await timed(cases[i] as MicroCase, ms);
    }
  }
  return cases.map((c, i) => ({ name: c.name, opsPerSec: median(runs[i] ?? []), runs: runs[i] ?? [] }));
}

/** Median over rounds of a ÷ b, both measured in the same rounds. */
export function ratio(a: RoundResult, b: RoundResult): number {
  return median(a.runs.map((v, r) => v / (b.runs[r] as number)));
}

/** Median over rounds of the ns one case adds per call over another (`a` slower than `base`). */
export function addedNs(a: RoundResult, base: RoundResult): number {
  return median(a.runs.map((v, r) => 1e9 / v - 1e9 / (base.runs[r] as number)));
}

/** Spread of a case's rounds: min–max, for the tables. */
export function spread(runs: number[], fmt: (n: number) => string): string {
  return `${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))}`;
}
