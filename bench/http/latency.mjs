#!/usr/bin/env node
// Latency at a fixed rate: the servers on CPU 0, loaded open-loop by one
// paced-client.mjs on CPU 1 at a stated share of Fastify's maximum (measured
// with wrk before each share), latency counted from each request's due time.
// The servers take turns of `--slice` seconds, `--slices` times each, one
// loaded at a time, and each one's latencies are pooled over its turns; their
// GC pauses over the same seconds come from gc-watch.mjs (preloaded), their
// CPU from /proc.
//
//   node bench/http/latency.mjs [--servers wego,fastify | fastify,fastify] [--shares 0.6,0.8] [--runs 3]
//                               [--slices 10] [--slice 2] [--warmup 2] [--connections 100] [--no-build]
//
// Prints each server's figures per share and run and, per share, the median
// and range over runs of each server's p50/p99/p99.9/max and of wego ÷
// fastify for each. Every server's maximum is wrk's req/s (-c100, 3 s after
// 1 s of warm-up) measured again before each share of each run.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    servers: { type: "string", default: "wego,fastify" },
    shares: { type: "string", default: "0.6,0.8" },
    runs: { type: "string", default: "3" },
    slices: { type: "string", default: "10" },
    slice: { type: "string", default: "2" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "100" },
    "no-build": { type: "boolean", default: false },
  },
});
// A name may repeat (`--servers fastify,fastify`: an A/A run, the noise floor of the ratios); the second is labelled `fastify#2`.
const servers = args.servers.split(",").map((name, i, all) => (all.indexOf(name) === i ? name : `${name}#${i + 1}`));
const peer = servers.includes("fastify") ? "fastify" : servers[1];
const shares = args.shares.split(",").map(Number);
const portOf = (name) => 18451 + servers.indexOf(name);

if (!args["no-build"]) {
  execFileSync("pnpm", ["-F", "@wego/core", "-F", "@wego/http", "build"], { cwd: join(here, "..", ".."), stdio: "ignore" });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "taskset",
      ["-c", "0", process.execPath, "--import", join(here, "gc-watch.mjs"), join(here, "servers", `${name.split("#")[0]}.mjs`)],
      { env: { ...process.env, PORT: String(portOf(name)), NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit", "ipc"] },
    );
    child.once("message", () => resolve(child)); // the server's "ready"
    child.once("exit", (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};

function gcOf(child, windows) {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m.gc));
    child.send({ gcWindows: windows });
  });
}

function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    let out = "";
    const p = spawn(cmd, argv, { stdio: ["ignore", "pipe", "inherit"] });
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(" ")} exited ${code}`))));
  });
}

async function maxRps(name) {
  const url = `http://127.0.0.1:${portOf(name)}/hello/world`;
  await run("taskset", ["-c", "1", "wrk", "-t1", "-c100", "-d1s", url]);
  const out = await run("taskset", ["-c", "1", "wrk", "-t1", "-c100", "-d3s", url]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
}

/** One paced-client run over the servers of `pair`, in that order: their turns interleaved; per server its result. */
async function paced(children, pair, rate) {
  const c0 = Object.fromEntries(pair.map((s) => [s, cpuMs(children[s].pid)]));
  const out = await run("taskset", [
    "-c",
    "1",
    process.execPath,
    join(here, "paced-client.mjs"),
    "--port",
    pair.map(portOf).join(","),
    "--rate",
    String(Math.round(rate)),
    "--slices",
    args.slices,
    "--slice",
    args.slice,
    "--warmup",
    args.warmup,
    "--connections",
    args.connections,
  ]);
  const lines = out
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  const byServer = {};
  for (const s of pair) {
    const r = lines.find((l) => l.port === portOf(s));
    // Each server is idle outside its own turns: its CPU over the run is its CPU over its turns and its warm-up.
    r.cpuPct = ((cpuMs(children[s].pid) - c0[s]) / (r.measuredMs + Number(args.warmup) * 1000)) * 100;
    r.gc = await gcOf(children[s], r.windows);
    byServer[s] = r;
  }
  return byServer;
}

const f2 = (x) => x.toFixed(2);
const results = []; // { run, share, server, r }
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
for (let runNo = 0; runNo < Number(args.runs); runNo++) {
  const order = runNo % 2 === 0 ? servers : [...servers].reverse();
  const children = {};
  try {
    for (const s of order) children[s] = await start(s);
    await sleep(200);
    console.log(`run ${runNo}: load ${load()}`);
    for (const share of shares) {
      // The machine's speed drifts by 2× within minutes here: the maximum is measured again before each share.
      // Every server gets the same wrk run, not only the peer: four seconds at full load warm a server up (JIT,
      // and V8 grows its young generation with what survives its scavenges); when only Fastify got it, the cold
      // wego read a p99 four times Fastify's at the first share.
      const pair = shares.indexOf(share) % 2 === 0 ? order : [...order].reverse();
      const maxima = {};
      for (const s of pair) maxima[s] = await maxRps(s);
      const max = maxima[peer];
      console.log(`  max (wrk -c100 3 s): ${pair.map((s) => `${s} ${maxima[s].toFixed(0)}/s`).join(", ")}`);
      // Let each settle after wrk (its post-load GC runs on the same core).
      await sleep(3000);
      const byServer = await paced(children, pair, share * max);
      for (const s of pair) {
        const r = byServer[s];
        results.push({ run: runNo, share, server: s, r });
        console.log(
          `  ${share} × ${max.toFixed(0)} = ${Math.round(share * max)}/s ${s.padEnd(9)} got ${r.achievedRps.toFixed(0)}/s ` +
            `p50 ${f2(r.p50)} p90 ${f2(r.p90)} p99 ${f2(r.p99)} p99.9 ${f2(r.p999)} max ${f2(r.max)} ms · ` +
            `cpu ${r.cpuPct.toFixed(0)} % · gc ${r.gc.count} pauses, ${f2(r.gc.totalMs)} ms total, max ${f2(r.gc.maxMs)} ms` +
            `${r.unanswered || r.non200 ? ` · unanswered ${r.unanswered} non-200 ${r.non200}` : ""}`,
        );
      }
      const r0 = byServer[pair[0]];
      console.log(`    client late p99 ${f2(r0.clientLateP99)} max ${f2(r0.clientLateMax)} ms · load ${load()}`);
    }
  } finally {
    for (const c of Object.values(children)) c.kill("SIGKILL");
  }
}

// Of an even count, the mean of the middle two (as the README's tables).
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs) => `${f2(Math.min(...xs))}–${f2(Math.max(...xs))}`;
const keys = [
  ["p50", "p50"],
  ["p99", "p99"],
  ["p99.9", "p999"],
  ["max", "max"],
];
const wego = servers.find((s) => s !== peer);
console.log(`\n| share of ${peer}'s max | server | p50 ms | p99 ms | p99.9 ms | max ms | GC max pause ms | GC total ms |`);
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const share of shares) {
  for (const s of servers) {
    const rs = results.filter((x) => x.share === share && x.server === s).map((x) => x.r);
    const cell = (k) => `${f2(median(rs.map((r) => r[k])))} (${range(rs.map((r) => r[k]))})`;
    const gcMax = rs.map((r) => r.gc.maxMs);
    const gcTot = rs.map((r) => r.gc.totalMs);
    console.log(
      `| ${share} | ${s} | ${keys.map(([, k]) => cell(k)).join(" | ")} | ${f2(median(gcMax))} (${range(gcMax)}) | ${f2(median(gcTot))} (${range(gcTot)}) |`,
    );
  }
}
console.log(`\n| share | ${wego} ÷ ${peer} | ${keys.map(([l]) => l).join(" | ")} |`);
console.log("|---|---|---:|---:|---:|---:|");
for (const share of shares) {
  const per = keys.map(([, k]) => {
    const ratios = [];
    for (let runNo = 0; runNo < Number(args.runs); runNo++) {
      const w = results.find((x) => x.share === share && x.server === wego && x.run === runNo);
      const p = results.find((x) => x.share === share && x.server === peer && x.run === runNo);
      if (w && p) ratios.push(w.r[k] / p.r[k]);
    }
    return `${f2(median(ratios))} (${range(ratios)})`;
  });
  console.log(`| ${share} | median (range) over runs | ${per.join(" | ")} |`);
}
