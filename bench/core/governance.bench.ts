// The cost of governance on dispatch, per invocation, side by side in one
// run: a transport's dispatcher.dispatch with no rules configured (the one
// comparison dispatch pays for governance), and with five markers and three
// policies (rate limit, circuit breaker, bulkhead) of which the invocation
// matches three markers — the policies all let it through, so what is
// measured is matching and the policies' bookkeeping, not refusals.
//   pnpm -F @wego/core build && taskset -c 0 node bench/core/governance.bench.ts   # REPS=5 TIME_MS=2000
import { createApp } from "@wego/core";
import { createDispatcher } from "@wego/core/transport";
import { fmt, runMicro } from "../lib/micro.ts";

const handler = async (ctx: { request: unknown }) => ctx.request;

const rules = {
  markers: {
    // Matched by the invocation below: handler, header (prefix), and route + method + a numeric header.
    orders: { handler: "bench" },
    canary: { headers: { "x-request-id": { prefix: "bench-" } } },
    heavy: { route: { prefix: "POST /orders" }, method: "POST", headers: { "x-weight": { ge: 10 } } },
    // Not matched: other transports, a regex on the route.
    cron: { transport: "cron" },
    admin: { route: { regex: "^GET /admin/" } },
  },
  rateLimit: { orders: { rate: 1e9, burst: 1e9 } },
  circuitBreaker: { canary: { errorPercent: 50, volume: 20 } },
  bulkhead: { heavy: { maxConcurrent: 1_000_000 } },
};

function dispatcherOf(governance: unknown) {
  const app = createApp({
    name: "bench",
    logger: false,
    config: { env: {}, argv: [], defaults: governance === undefined ? {} : { governance } },
  });
  return createDispatcher(app, { transport: "http" });
}

const plain = dispatcherOf(undefined);
const governed = dispatcherOf(rules);
const target = { route: "POST /orders", handler: "bench", endpoint: handler as never };
const inv = { request: { n: 1 }, id: "bench-1", checked: true, meta: { "x-weight": "12", "x-request-id": "bench-1" } };

function loop(d: ReturnType<typeof dispatcherOf>) {
  return async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => d.dispatch(target, inv, (_ctx, _e, r) => resolve(r)));
  };
}

const results = await runMicro(
  [
    { name: "dispatch, no governance rules", run: loop(plain) },
    { name: "dispatch, 5 markers + 3 policies (3 markers match)", run: loop(governed) },
  ],
  { warmupMs: Number(process.env.WARMUP_MS ?? 1000), timeMs: Number(process.env.TIME_MS ?? 2000), reps: Number(process.env.REPS ?? 5) },
);

const base = results[0]?.opsPerSec ?? 1;
console.log(`node ${process.version}, pid ${process.pid}\n`);
console.log("| case | calls/s (median) | ns per call | × no rules | runs |");
console.log("| --- | ---: | ---: | ---: | --- |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${fmt(r.opsPerSec)} | ${(1e9 / r.opsPerSec).toFixed(0)} | ${(r.opsPerSec / base).toFixed(2)} | ${r.runs.map(fmt).join(", ")} |`,
  );
}
