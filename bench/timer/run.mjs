// Per-run CPU cost of the timer router: a fixed-delay 1 ms timer running a
// trivial handler through wego (context, app.run, input copy) against a bare
// chained setTimeout calling the same function. Both are bounded by the 1 ms
// timer granularity, so runs/s match; the comparison is CPU µs per run.
// Pin with `taskset -c 0`. Usage: node bench/timer/run.mjs [seconds=3] [rounds=3]
// (run `pnpm -F @wego/core -F @wego/timer build` first).
import { createApp } from "../../packages/core/dist/index.js";
import { createTimerRouter } from "../../packages/timer/dist/index.js";

const seconds = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 3);
const work = (input) => ({ ok: input.n + 1 });

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function raw() {
  let runs = 0;
  let stop = false;
  const input = { n: 1 };
  const loop = async () => {
    if (stop) return;
    work(structuredClone(input));
    runs++;
    setTimeout(loop, 1);
  };
  const c0 = cpuMicros();
  setTimeout(loop, 1);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  return { runs, cpu: cpuMicros() - c0 };
}

async function wego() {
  let runs = 0;
  const app = createApp({ name: "bench", logger: false, config: { env: {}, argv: [] } });
  app.handler("work", async (ctx) => {
    runs++;
    return work(ctx.request);
  });
  app.router("timer", createTimerRouter().route("work", 1, "work", { mode: "fixed-delay", input: { n: 1 } }));
  const c0 = cpuMicros();
  await app.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await app.stop();
  return { runs, cpu: cpuMicros() - c0 };
}

const rows = [];
for (let round = 0; round < rounds; round++) {
  for (const [name, fn] of round % 2 === 0
    ? [
        ["raw", raw],
        ["wego", wego],
      ]
    : [
        ["wego", wego],
        ["raw", raw],
      ]) {
    const { runs, cpu } = await fn();
    rows.push({ round, name, runsPerSec: Math.round(runs / seconds), cpuMicrosPerRun: +(cpu / runs).toFixed(1) });
  }
}
console.table(rows);
const med = (name) => {
  const xs = rows
    .filter((r) => r.name === name)
    .map((r) => r.cpuMicrosPerRun)
    .sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
};
console.log(`median CPU µs/run: raw ${med("raw")}, wego ${med("wego")} (${(med("wego") / med("raw")).toFixed(2)}x)`);
