// Where the cost of one wego invocation goes, measured like chain-together.ts
// (two processes at once on CPU 0, so the VM's drift cancels): any two of
//   invoke       app.invoke(endpoint, { request })   — the public invocation API (one dispatch)
//   dispatch     a transport's dispatcher.dispatch(route, inv, answer) — what every router pays
//   koa-respond  koa-compose with 13 middlewares, then `.then(respond)` (how Koa answers a request)
//   bare   endpoint(context)                      — the endpoint alone: no dispatch, no tracking
//   reuse  endpoint(ctx), one context for every call — without building a Context either
//   koa    koa-compose with 13 middlewares, no answer step
// (an older checkout's build also has `wego`: app.run(endpoint, app.context(init)), the transport path before dispatch)
//   node bench/core/chain-parts.ts <a> <b> [rounds=5] [ms=3000]   (after `pnpm build`)
// prints a ÷ b (calls per second) per round and their median. A side may be
// `<repo root>:<variant>` to run another checkout's build of this file (a git
// worktree of an older commit, built): builds compared at once, on one core.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDispatcher } from "@wego/core/transport";
import { app, init, type KoaCtx, koa, wegoEndpoint } from "./chain-cases.ts";

const self = fileURLToPath(import.meta.url);
const dispatcher = createDispatcher(app, { transport: "bench" });
const target = { route: "bench", handler: "bench", endpoint: wegoEndpoint };
const inv = { request: undefined, id: init.id, checked: true };
const respond = (ctx: KoaCtx) => ctx.body;
const variants: Record<string, (n: number) => Promise<void>> = {
  invoke: async (n) => {
    for (let i = 0; i < n; i++) await app.invoke(wegoEndpoint, { request: undefined, id: init.id });
  },
  call: async (n) => {
    for (let i = 0; i < n; i++) await dispatcher.call(target, inv);
  },
  dispatch: async (n) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => dispatcher.dispatch(target, inv, (_ctx, _e, result) => resolve(result)));
  },
  "koa-respond": async (n) => {
    for (let i = 0; i < n; i++) {
      const ctx: KoaCtx = { n: 0 };
      await koa(ctx).then(() => respond(ctx));
    }
  },
  bare: async (n) => {
    for (let i = 0; i < n; i++) await wegoEndpoint(dispatcher.context("bench", inv));
  },
  reuse: async (n) => {
    const ctx = dispatcher.context("bench", inv);
    for (let i = 0; i < n; i++) await wegoEndpoint(ctx);
  },
  koa: async (n) => {
    for (let i = 0; i < n; i++) await koa({ n: 0 });
  },
};

if (process.argv[2] === "worker") {
  await app.start(); // as a served app is; app.invoke caches resolved targets once running
  const run = variants[process.argv[3] as string];
  if (run === undefined) throw new Error(`unknown variant ${process.argv[3]}`);
  const ms = Number(process.argv[4]);
  let end = performance.now() + 1000;
  while (performance.now() < end) await run(1000);
  let calls = 0;
  const t0 = performance.now();
  end = t0 + ms;
  while (performance.now() < end) {
    await run(1000);
    calls += 1000;
  }
  console.log(Math.round(calls / ((performance.now() - t0) / 1000)));
} else {
  const [a = "invoke", b = "koa-respond", rounds = "5", ms = "3000"] = process.argv.slice(2);
  execFileSync("taskset", ["-c", "0", "true"]); // fail early without taskset
  const sideOf = (spec: string): [string, string] => {
    const at = spec.lastIndexOf(":");
    return at < 0 ? [self, spec] : [join(spec.slice(0, at), "bench/core/chain-parts.ts"), spec.slice(at + 1)];
  };
  for (const v of [a, b]) {
    const [file, variant] = sideOf(v);
    if (file === self && !(variant in variants)) throw new Error(`unknown variant ${v}; one of ${Object.keys(variants).join(", ")}`);
  }
  const one = (spec: string) =>
    new Promise<number>((resolve, reject) => {
      let out = "";
      const [file, which] = sideOf(spec);
      const child = spawn("taskset", ["-c", "0", process.execPath, file, "worker", which, ms], { stdio: ["ignore", "pipe", "inherit"] });
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`${which} worker exited ${code}`))));
    });
  const ratios: number[] = [];
  for (let r = 0; r < Number(rounds); r++) {
    // Spawned in an order that alternates by round, so neither has the head start every time.
    const [x, y] = (r % 2 === 0 ? await Promise.all([one(a), one(b)]) : (await Promise.all([one(b), one(a)])).reverse()) as [
      number,
      number,
    ];
    ratios.push(x / y);
    console.log(`round ${r}: ${a} ${x} calls/s, ${b} ${y} calls/s, ratio ${(x / y).toFixed(3)}`);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  console.log(`${a} ÷ ${b}, median of ${ratios.length}: ${sorted[ratios.length >> 1]?.toFixed(3)}`);
}
