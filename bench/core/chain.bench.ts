// Invocations per second through wego's path — a Context per call, 3 filters
// around a 10-service onion chain, run by the app (in-flight tracking) — against
// koa-compose with 13 middlewares doing the same work, in one process, one run.
//   taskset -c 0 node bench/core/chain.bench.ts   (after `pnpm build`)
import { createApp, type Endpoint, type Filter, filters, type Next, services } from "@wego/core";
import compose from "koa-compose";
import { fmt, runMicro } from "../lib/micro.ts";

const app = createApp({ logger: false, config: { env: {}, argv: [] } });

// The same work in both: each layer reads and bumps a counter on the context
// around its `next`; the innermost writes the result.
const filter =
  (i: number): Filter =>
  (next) =>
  async (ctx) => {
    (ctx as unknown as { n: number }).n = i;
    return next(ctx);
  };
const service = (i: number) => async (ctx: { n?: number }, next: Next) => {
  ctx.n = i;
  await next();
};
const last = (ctx: import("@wego/core").Context) => {
  ctx.response("done", true);
};

const wegoEndpoint: Endpoint = filters.chain(
  filter(1),
  filter(2),
  filter(3),
  filters.comm(services.chain(...Array.from({ length: 9 }, (_, i) => service(i) as never), last)),
);

// The same filters written without `async` (they only act before the call):
// an async function returning next's promise costs two extra microtask hops.
const plainFilter =
  (i: number): Filter =>
  (next) =>
  (ctx) => {
    (ctx as unknown as { n: number }).n = i;
    return next(ctx);
  };
const wegoPlainEndpoint: Endpoint = filters.chain(
  plainFilter(1),
  plainFilter(2),
  plainFilter(3),
  filters.comm(services.chain(...Array.from({ length: 9 }, (_, i) => service(i) as never), last)),
);

type KoaCtx = { n: number; body?: unknown };
const koaMw = (i: number) => async (ctx: KoaCtx, next: () => Promise<unknown>) => {
  ctx.n = i;
  await next();
};
const koa = compose<KoaCtx>([
  ...Array.from({ length: 12 }, (_, i) => koaMw(i)),
  async (ctx: KoaCtx) => {
    ctx.body = { done: true };
  },
]);

// Baseline: 13 hand-chained async functions.
const hand: Array<(ctx: KoaCtx) => Promise<void>> = [];
hand[12] = async (ctx) => {
  ctx.body = { done: true };
};
for (let i = 11; i >= 0; i--) {
  const nxt = hand[i + 1] as (ctx: KoaCtx) => Promise<void>;
  hand[i] = async (ctx) => {
    ctx.n = i;
    await nxt(ctx);
  };
}
const hand0 = hand[0] as (ctx: KoaCtx) => Promise<void>;

const init = { transport: "bench", route: "chain", handler: "chain", id: "bench-id" };

const results = await runMicro(
  [
    {
      name: "wego: context + 3 filters + 10-service chain (app.run)",
      async run(n) {
        for (let i = 0; i < n; i++) await app.run(wegoEndpoint, app.context(init));
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
        for (let i = 0; i < n; i++) await app.run(wegoPlainEndpoint, app.context(init));
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
