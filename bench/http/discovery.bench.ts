// The HTTP client's added cost per call with discovery and balancing, side by side with a static URL in
// one run: the same raw node:http server (a child process, pinned to CPU 1 if taskset is there), called
// 16 at a time through createHttpClient with (1) a static base URL, (2) `http://orders` resolved through a
// registry (one instance, round robin, a breaker per instance), (3) the same plus a 90/10 canary rule and
// weightedResponse. Then the balancer's pick + report alone, without the network.
//   pnpm -F @wego/core -F @wego/http build && taskset -c 0 node bench/http/discovery.bench.ts   # REPS=5 TIME_MS=2000
import { spawn } from "node:child_process";
import { createStaticRegistry } from "@wego/core";
import { createServiceBalancer } from "@wego/core/transport";
import { createHttpClient, type HttpClient } from "@wego/http";
import { fmt, runMicro } from "../lib/micro.ts";

// The server on the other CPU (taskset), so the client's CPU time is the client's alone.
const server = spawn(
  "taskset",
  [
    "-c",
    "1",
    process.execPath,
    "-e",
    `const s = require("node:http").createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end('{"code":"ok","data":"hi"}'); });
     s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const port = await new Promise<number>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
const url = `http://127.0.0.1:${port}`;
const registry = createStaticRegistry([{ service: "orders", id: "a", version: "1", endpoints: { http: url } }]);
const rules = [
  {
    routes: [
      { weight: 90, version: "1" },
      { weight: 10, version: "2" },
    ],
  },
];

const staticClient = createHttpClient({ baseUrls: url, breaker: false });
const discovered = createHttpClient({ baseUrls: "http://orders", registry, breaker: false });
const canary = createHttpClient({ service: "orders", registry, breaker: false, discovery: { rules, strategy: "weightedResponse" } });

const calls = (client: HttpClient) => async (n: number) => {
  const width = 16;
  for (let i = 0; i < n; i += width) await Promise.all(Array.from({ length: Math.min(width, n - i) }, () => client.get("/hello")));
};
const balancer = createServiceBalancer({ registry, service: "orders", transport: "http", rules, strategy: "weightedResponse" });
await balancer.ready();
const pickOnly = (n: number) => {
  for (let i = 0; i < n; i++) balancer.report(balancer.pick({ headers: {} }), true, 0.3);
};

// Client CPU per call (user + system µs of this process over a batch, divided by its calls): what
// discovery adds to the caller, less noisy than throughput on a shared machine. Cases rotate per round.
const reps = Number(process.env.REPS ?? 7);
const batch = Number(process.env.CALLS ?? 20_000);
const cases = [
  { name: "static base URL", run: calls(staticClient) },
  { name: "http://orders via registry (round robin, breaker per instance)", run: calls(discovered) },
  { name: "via registry + 90/10 canary rule + weightedResponse", run: calls(canary) },
];
const cpu: number[][] = cases.map(() => []);
const wall: number[][] = cases.map(() => []);
for (const c of cases) await c.run(2_000);
for (let r = 0; r < reps; r++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (k + r) % cases.length;
    const c = cases[i] as (typeof cases)[number];
    const t0 = process.hrtime.bigint();
    const u0 = process.cpuUsage();
    await c.run(batch);
    const u = process.cpuUsage(u0);
    cpu[i]?.push((u.user + u.system) / batch);
    wall[i]?.push(Number(process.hrtime.bigint() - t0) / 1e3 / batch);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const [pick] = await runMicro([{ name: "pick", run: pickOnly }], { warmupMs: 500, timeMs: 1500, reps: 5 });

const base = median(cpu[0] ?? []);
console.log(`node ${process.version}; ${reps} rounds of ${batch} calls, 16 in flight; server on CPU 1\n`);
console.log("| client | client CPU µs per call (median) | added µs | wall µs per call (median) | CPU runs |");
console.log("| --- | ---: | ---: | ---: | --- |");
cases.forEach((c, i) => {
  const m = median(cpu[i] ?? []);
  console.log(
    `| ${c.name} | ${m.toFixed(1)} | ${(m - base).toFixed(1)} | ${median(wall[i] ?? []).toFixed(1)} | ${(cpu[i] ?? []).map((x) => x.toFixed(1)).join(", ")} |`,
  );
});
if (pick)
  console.log(
    `\nbalancer pick + report alone (rule + weightedResponse + breaker): ${(1e6 / pick.opsPerSec).toFixed(2)} µs (${fmt(pick.opsPerSec)}/s)`,
  );
for (const c of [staticClient, discovered, canary]) await c.close();
balancer.close();
server.kill();
