// Unique snowflake ids per second: wego's generator against the scheme's
// ceiling (4,096 ids per ms per worker = 4.096M/s) and npm's snowflake
// libraries, in one process, one run. Every round generates a batch of ids
// back-to-back into an array, times it, and only then counts the distinct
// values: ids/s here means UNIQUE ids/s, not calls.
//   pnpm -F @wego/core build && taskset -c 0 node bench/core/ids.bench.ts
import { Snowflake as SapphireSnowflake } from "@sapphire/snowflake";
import { createSnowflake } from "@wego/core";
import nodejsSnowflake from "nodejs-snowflake";

const BATCH = Number(process.env.BATCH ?? 1_000_000);
const REPS = Number(process.env.REPS ?? 5);
const CEILING = 4_096_000;
const epoch = Date.UTC(2020, 0, 1);

interface Case {
  name: string;
  make(): () => unknown;
}

const cases: Case[] = [
  { name: "wego createSnowflake().next() (decimal string)", make: () => createSnowflake({ workerId: 1, epoch }).next },
  { name: "wego createSnowflake().nextBigInt()", make: () => createSnowflake({ workerId: 1, epoch }).nextBigInt },
  {
    name: "nodejs-snowflake 2.0.1 getUniqueID() (bigint, wasm)",
    make: () => {
      const s = new nodejsSnowflake.Snowflake({ custom_epoch: epoch, instance_id: 1 });
      return () => s.getUniqueID();
    },
  },
  {
    name: "@sapphire/snowflake 3.5.5 generate() (bigint)",
    make: () => {
      const s = new SapphireSnowflake(epoch);
      return () => s.generate();
    },
  },
];

// CPU share = CPU time / wall time of the batch: a generator bound by the
// per-ms ceiling loses every millisecond it is not running, so on a shared
// machine its ratio to the ceiling can't exceed its share of the core.
function round(gen: () => unknown): { perSec: number; unique: number; uniquePerSec: number; cpuShare: number } {
  const out = new Array<unknown>(BATCH);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) out[i] = gen();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const unique = new Set(out).size;
  return { perSec: BATCH / seconds, unique, uniquePerSec: unique / seconds, cpuShare: (used.user + used.system) / 1e6 / seconds };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

const gens = cases.map((c) => c.make());
for (const g of gens) round(g); // warm-up: one batch each
const results = cases.map(() => ({
  calls: [] as number[],
  unique: [] as number[],
  uniquePerSec: [] as number[],
  cpuShare: [] as number[],
}));
for (let r = 0; r < REPS; r++) {
  // rotate the order each repetition
  for (let k = 0; k < cases.length; k++) {
    const i = (k + r) % cases.length;
    const res = round(gens[i] as () => unknown);
    const slot = results[i] as (typeof results)[number];
    slot.calls.push(res.perSec);
    slot.unique.push(res.unique);
    slot.uniquePerSec.push(res.uniquePerSec);
    slot.cpuShare.push(res.cpuShare);
  }
}

const wegoUnique = median(results[0]?.uniquePerSec ?? [1]);
console.log(`node ${process.version}, batch ${BATCH.toLocaleString("en")} ids, ${REPS} reps (median)\n`);
console.log("| generator | calls/s | unique of batch (worst) | unique ids/s | × ceiling (4.096M/s) | × wego string | CPU share |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
cases.forEach((c, i) => {
  const r = results[i] as (typeof results)[number];
  const u = median(r.uniquePerSec);
  console.log(
    `| ${c.name} | ${fmt(median(r.calls))} | ${Math.min(...r.unique).toLocaleString("en")} | ${fmt(u)} | ${(u / CEILING).toFixed(2)} | ${(u / wegoUnique).toFixed(2)} | ${median(r.cpuShare).toFixed(2)} |`,
  );
});
