// The gRPC bench: unary calls/s with 100 calls in flight for 10 s against
// wego's router, a bare connect-node handler and a @grpc/grpc-js server,
// alternated (order rotated each round), server pinned to CPU 0 and client
// to CPU 1. Prints per-run figures and a median table with server CPU µs per
// call (from /proc/<pid>/stat) and the ratio to grpc-js in the same round.
//   node bench/grpc/run.ts            (after `pnpm -F @wego/core -F @wego/grpc build`)
//   ROUNDS=3 DURATION=10 CONCURRENCY=100 WARMUP=2 ONLY=wego,grpc-js node bench/grpc/run.ts
//   CLIENT=h2load node bench/grpc/run.ts   (nghttp2's h2load as the client: cheaper, so the server saturates)
//   PROFILE=/tmp/prof ONLY=wego ROUNDS=1 node bench/grpc/run.ts   (servers run with --cpu-prof;
//   summarise with node bench/grpc/profile.ts /tmp/prof/<file>.cpuprofile)
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { codec, echoPath, handlePath } from "./echo.ts";

const here = new URL(".", import.meta.url).pathname;
const rounds = Number(process.env.ROUNDS ?? 3);
const duration = process.env.DURATION ?? "10";
const concurrency = process.env.CONCURRENCY ?? "100";
const warmup = process.env.WARMUP ?? "2";
const tick = 1e6 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
const clientKind = process.env.CLIENT ?? "grpc-js";

interface Case {
  name: string;
  server: string;
  method: "echo" | "generic";
}
const all: Case[] = [
  { name: "wego (typed)", server: "wego", method: "echo" },
  { name: "wego (generic, JSON)", server: "wego", method: "generic" },
  { name: "connect-node", server: "connect-node", method: "echo" },
  { name: "grpc-js", server: "grpc-js", method: "echo" },
];
const only = process.env.ONLY?.split(",");
const cases = only ? all.filter((c) => only.some((o) => c.name.startsWith(o))) : all;

/** utime + stime of a process, all threads, in µs. */
function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * tick;
}

function lines(child: ReturnType<typeof spawn>, onLine: (l: string) => void): void {
  createInterface({ input: child.stdout! }).on("line", onLine);
  child.stderr!.on("data", (d) => process.stderr.write(d));
}

interface Result {
  name: string;
  round: number;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  serverCpuPct: number;
  serverUsPerCall: number;
  clientCpuPct: number;
  clientUsPerCall: number;
}

/** The request body h2load repeats: one enveloped message. */
function bodyFile(method: Case["method"]): string {
  const msg = method === "generic" ? codec.encodeHandleRequest("echo", '{"msg":"hello","n":1}') : codec.encodeEchoRequest("hello", 1);
  const frame = Buffer.alloc(5 + msg.length);
  frame.writeUInt32BE(msg.length, 1);
  msg.copy(frame, 5);
  const file = join(tmpdir(), `wego-grpc-bench-${method}.bin`);
  writeFileSync(file, frame);
  return file;
}

/** h2load (nghttp2, C): a much cheaper client than grpc-js, so the server is what saturates. */
async function runH2load(c: Case, port: string, server: ReturnType<typeof spawn>): Promise<Record<string, number>> {
  const path = c.method === "generic" ? handlePath : echoPath;
  const args = ["-c", "1", "-m", concurrency, "-D", duration, `--warm-up-time=${warmup}`, "-d", bodyFile(c.method)];
  args.push("-H", "content-type: application/grpc", "-H", "te: trailers", `http://127.0.0.1:${port}${path}`);
  const client = spawn("taskset", ["-c", "1", "h2load", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  client.stdout!.on("data", (d) => {
    out += d;
  });
  let cpu0 = 0;
  let ccpu0 = 0;
  setTimeout(
    () => {
      cpu0 = cpuUs(server.pid!);
      ccpu0 = cpuUs(client.pid!);
    },
    Number(warmup) * 1000 + 50,
  );
  let ccpu1 = 0;
  const poll = setInterval(() => {
    try {
      ccpu1 = cpuUs(client.pid!);
    } catch {}
  }, 200);
  await new Promise((r) => client.once("exit", r));
  clearInterval(poll);
  const cpu1 = cpuUs(server.pid!);
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? Number.NaN);
  const calls = num(/(\d+) succeeded/);
  const secs = Number(duration);
  const mean = out.match(/time for request:\s+\S+\s+\S+\s+(\S+)/)?.[1] ?? "0ms";
  const meanMs = mean.endsWith("us")
    ? Number.parseFloat(mean) / 1000
    : mean.endsWith("ms")
      ? Number.parseFloat(mean)
      : Number.parseFloat(mean) * 1000;
  return {
    calls,
    errors: num(/(\d+) failed/) + num(/(\d+) errored/),
    secs,
    rate: calls / secs,
    p50: meanMs,
    p99: Number.NaN,
    clientCpuPct: (ccpu1 - ccpu0) / 1e4 / secs,
    clientUsPerCall: (ccpu1 - ccpu0) / Math.max(1, calls),
    serverCpuUs: cpu1 - cpu0,
  };
}

async function runCase(c: Case, round: number): Promise<Result> {
  const prof = process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : [];
  const server = spawn("taskset", ["-c", "0", process.execPath, ...prof, `${here}server.ts`, c.server], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    lines(server, (l) => l.startsWith("ready ") && resolve(l.slice(6)));
    server.once("exit", (code) => reject(new Error(`server ${c.server} exited ${code}`)));
  });
  const out = clientKind === "h2load" ? await runH2load(c, port, server) : await runGrpcJs(c, port, server);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  return {
    name: c.name,
    round,
    rate: out.rate!,
    p50: out.p50!,
    p99: out.p99!,
    errors: out.errors!,
    serverCpuPct: out.serverCpuUs! / 1e4 / out.secs!,
    serverUsPerCall: out.serverCpuUs! / Math.max(1, out.calls!),
    clientCpuPct: out.clientCpuPct!,
    clientUsPerCall: out.clientUsPerCall!,
  };
}

async function runGrpcJs(c: Case, port: string, server: ReturnType<typeof spawn>): Promise<Record<string, number>> {
  const client = spawn("taskset", ["-c", "1", process.execPath, `${here}client.ts`, port, c.method, concurrency, duration, warmup], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let cpu0 = 0;
  return new Promise<Record<string, number>>((resolve, reject) => {
    lines(client, (l) => {
      if (l === "start") cpu0 = cpuUs(server.pid!);
      else if (l.startsWith("{")) {
        const cpu1 = cpuUs(server.pid!);
        const r = JSON.parse(l);
        r.serverCpuUs = cpu1 - cpu0;
        resolve(r);
      }
    });
    client.once("exit", (code) => code !== 0 && reject(new Error(`client exited ${code}`)));
  });
}

const fmtK = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const results: Result[] = [];
for (let round = 0; round < rounds; round++) {
  const order = cases.map((_, i) => cases[(i + round) % cases.length]!);
  for (const c of order) {
    const r = await runCase(c, round);
    results.push(r);
    console.error(
      `round ${round} ${r.name.padEnd(22)} ${fmtK(r.rate).padStart(6)} calls/s  p99 ${r.p99.toFixed(1)} ms  server ${r.serverCpuPct.toFixed(0)}% ${r.serverUsPerCall.toFixed(1)} µs/call  client ${r.clientCpuPct.toFixed(0)}%  errors ${r.errors}`,
    );
  }
}

console.log(
  `\nunary Echo, ${concurrency} in flight, ${duration} s (+${warmup} s warm-up), ${rounds} rounds, server on CPU 0, ${clientKind} client on CPU 1${clientKind === "h2load" ? " (p50 column: h2load's mean)" : ""}\n`,
);
console.log(
  "| server | calls/s (median) | × grpc-js (per round) | p50 ms | p99 ms | server CPU % | server CPU µs/call | client CPU % | runs |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
for (const c of cases) {
  const rs = results.filter((r) => r.name === c.name);
  const ratios = rs.map((r) => r.rate / (results.find((g) => g.name === "grpc-js" && g.round === r.round)?.rate ?? Number.NaN));
  console.log(
    `| ${c.name} | ${fmtK(median(rs.map((r) => r.rate)))} | ${median(ratios).toFixed(2)} | ${median(rs.map((r) => r.p50)).toFixed(2)} | ${median(rs.map((r) => r.p99)).toFixed(2)} | ${median(rs.map((r) => r.serverCpuPct)).toFixed(0)} | ${median(rs.map((r) => r.serverUsPerCall)).toFixed(1)} | ${median(rs.map((r) => r.clientCpuPct)).toFixed(0)} | ${rs.map((r) => fmtK(r.rate)).join(", ")} |`,
  );
}
const errs = results.reduce((a, r) => a + r.errors, 0);
if (errs) console.log(`\n${errs} errors`);
