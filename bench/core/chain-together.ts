// The chain benchmark measured so the VM's drift cancels: wego and
// koa-compose run in two processes at the same time, both pinned to CPU 0
// (each gets half of it), for the same seconds; the ratio of calls they
// complete is the inverse ratio of their cost per call. chain.bench.ts runs
// the cases one after the other in one process, and on this VM its medians
// move by ±5 % from run to run; this repeats to ±2 % within a run (±3 %
// between runs an hour apart).
//   node bench/core/chain-together.ts [rounds=3] [ms=4000]   (after `pnpm build`)
// It is `chain-parts.ts invoke koa-respond`: app.invoke(endpoint) — the public
// invocation API, one dispatch — against koa-compose with 13 middlewares
// followed by `.then(respond)`, as Koa answers a request (both sides pay one
// reaction); chain-parts.ts also splits wego's cost and compares builds.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const rounds = process.argv[2] ?? "3";
const ms = process.argv[3] ?? "4000";
const parts = fileURLToPath(new URL("./chain-parts.ts", import.meta.url));
execFileSync(process.execPath, [parts, "invoke", "koa-respond", rounds, ms], { stdio: "inherit" });
