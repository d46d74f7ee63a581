// A tiny micro-benchmark runner: cases interleaved (order rotated per
// repetition), warm-up then a timed window per case, median of repetitions.
export interface MicroCase {
  name: string;
  /** Run `n` operations; resolve when done. */
  run(n: number): Promise<void> | void;
}

export interface MicroResult {
  name: string;
  opsPerSec: number;
  runs: number[];
}

async function timed(c: MicroCase, ms: number): Promise<number> {
  let ops = 0;
  let batch = 1000;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    await c.run(batch);
    ops += batch;
    now = process.hrtime.bigint();
    if (batch < 100_000 && now - start < 50_000_000n) batch *= 2;
  }
  return ops / (Number(now - start) / 1e9);
}

export async function runMicro(
  cases: MicroCase[],
  opts: { warmupMs?: number; timeMs?: number; reps?: number } = {},
): Promise<MicroResult[]> {
  const warmupMs = opts.warmupMs ?? 1000;
  const timeMs = opts.timeMs ?? 3000;
  const reps = opts.reps ?? 3;
  const runs = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < reps; r++) {
    const order = cases.map((_, i) => cases[(i + r) % cases.length] as MicroCase);
    for (const c of order) {
      await timed(c, warmupMs);
      runs.get(c.name)?.push(await timed(c, timeMs));
    }
  }
  return cases.map((c) => {
    const rs = runs.get(c.name) ?? [];
    const sorted = [...rs].sort((a, b) => a - b);
    return { name: c.name, opsPerSec: sorted[Math.floor(sorted.length / 2)] ?? 0, runs: rs };
  });
}

export function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
