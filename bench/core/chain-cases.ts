// The cases of the chain benchmark, shared by chain.bench.ts (one after the
// other in one process) and chain-together.ts (two processes at once).
import { createApp, type Endpoint, type Filter, filters, type Next, services } from "@wego/core";
import compose from "koa-compose";

export const app = createApp({ logger: false, config: { env: {}, argv: [] } });

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

export const wegoEndpoint: Endpoint = filters.chain(
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
export const wegoPlainEndpoint: Endpoint = filters.chain(
  plainFilter(1),
  plainFilter(2),
  plainFilter(3),
  filters.comm(services.chain(...Array.from({ length: 9 }, (_, i) => service(i) as never), last)),
);

export type KoaCtx = { n: number; body?: unknown };
const koaMw = (i: number) => async (ctx: KoaCtx, next: () => Promise<unknown>) => {
  ctx.n = i;
  await next();
};
export const koa = compose<KoaCtx>([
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
export const hand0 = hand[0] as (ctx: KoaCtx) => Promise<void>;

export const init = { transport: "bench", route: "chain", handler: "chain", id: "bench-id" };
