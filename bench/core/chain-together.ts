// The chain benchmark measured so the VM's drift cancels: wego and
// koa-compose run in two processes at the same time, both pinned to CPU 0
// (each gets half of it), for the same seconds; the ratio of calls they
// complete is the inverse ratio of their cost per call. chain.bench.ts runs
// the cases one after the other in one process, and on this VM its medians
// move by ±5 % from run to run; this repeats to about ±0.5 %.
//   node bench/core/chain-together.ts [rounds=3] [ms=4000]   (after `pnpm build`)
// A process started with `worker <case> <ms>` runs one case and prints calls/s.
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { app, init, koa, wegoEndpoint } from "./chain-cases.ts";

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "worker") {
  const which = process.argv[3];
  const ms = Number(process.argv[4] ?? 4000);
  const run =
    which === "wego"
      ? async (n: number) => {
          for (let i = 0; i < n; i++) await app.run(wegoEndpoint, app.context(init));
        }
      : async (n: number) => {
          for (let i = 0; i < n; i++) await koa({ n: 0 });
        };
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
  const rounds = Number(process.argv[2] ?? 3);
  const ms = process.argv[3] ?? "4000";
  execFileSync("taskset", ["-c", "0", "true"]); // fail early without taskset
  const one = (which: string) =>
    new Promise<number>((resolve, reject) => {
      let out = "";
      const child = spawn("taskset", ["-c", "0", process.execPath, self, "worker", which, ms], { stdio: ["ignore", "pipe", "inherit"] });
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`${which} worker exited ${code}`))));
    });
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Spawned in an order that alternates by round, so neither has the head start every time.
    const [wego, koa] = (
      r % 2 === 0 ? await Promise.all([one("wego"), one("koa")]) : (await Promise.all([one("koa"), one("wego")])).reverse()
    ) as [number, number];
    ratios.push(wego / koa);
    console.log(`round ${r}: wego ${wego} calls/s, koa-compose ${koa} calls/s (each on half of CPU 0), ratio ${(wego / koa).toFixed(3)}`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`wego ÷ koa-compose, median of ${rounds}: ${sorted[Math.floor(rounds / 2)]?.toFixed(3)}`);
}
