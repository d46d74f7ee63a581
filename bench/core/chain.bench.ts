// Invocations per second through wego's path — a Context per call, 3 filters
// around a 10-service onion chain, run by the app (in-flight tracking) — against
// koa-compose with 13 middlewares doing the same work, in one process, one run.
//   taskset -c 0 node bench/core/chain.bench.ts   (after `pnpm build`)
import { fmt, runMicro } from "../lib/micro.ts";
import { app, hand0, init, koa, wegoEndpoint, wegoPlainEndpoint } from "./chain-cases.ts";

const results = await runMicro(
  [
    {
      name: "wego: 3 filters + 10-service chain through app.invoke (one dispatch)",
      async run(n) {
        for (let i = 0; i < n; i++) await app.invoke(wegoEndpoint, init);
      },
    },
    {
      name: "koa-compose: 13 async middlewares",
      async run(n) {
        for (let i = 0; i < n; i++) await koa({ n: 0 });
      },
    },
    {
      name: "wego, filters not async (act before the call only)",
      async run(n) {
        for (let i = 0; i < n; i++) await app.invoke(wegoPlainEndpoint, init);
      },
    },
    {
      name: "baseline: 13 hand-chained async fns",
      async run(n) {
        for (let i = 0; i < n; i++) await hand0({ n: 0 });
      },
    },
  ],
  { warmupMs: Number(process.env.WARMUP_MS ?? 1000), timeMs: Number(process.env.TIME_MS ?? 3000), reps: Number(process.env.REPS ?? 3) },
);

const koaOps = results[1]?.opsPerSec ?? 1;
console.log(`node ${process.version}, pid ${process.pid}\n`);
console.log("| case | calls/s (median) | × koa-compose | runs |");
console.log("| --- | ---: | ---: | --- |");
for (const r of results) {
  console.log(`| ${r.name} | ${fmt(r.opsPerSec)} | ${(r.opsPerSec / koaOps).toFixed(2)} | ${r.runs.map(fmt).join(", ")} |`);
}
