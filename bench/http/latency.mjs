#!/usr/bin/env node
// Latency at a fixed rate: each server alone on CPU 0, loaded open-loop by
// paced-client.mjs on CPU 1 at a stated share of Fastify's maximum (measured
// with wrk at the start of each run), latency counted from each request's due
// time; servers alternated window by window, their GC pauses over the same
// seconds read from gc-watch.mjs (preloaded) and their CPU from /proc.
//
//   node bench/http/latency.mjs [--servers wego,fastify] [--shares 0.6,0.8] [--runs 3]
//                               [--duration 10] [--warmup 3] [--connections 100] [--no-build]
//
// Prints every window and, per share, the median and range over runs of
// each server's p50/p99/p99.9/max and of wego ÷ fastify for each. Fastify's maximum is wrk's
// req/s (-c100, 3 s after 1 s of warm-up) measured again before each share of each run.
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
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "100" },
    "no-build": { type: "boolean", default: false },
  },
});
const servers = args.servers.split(",");
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
      ["-c", "0", process.execPath, "--import", join(here, "gc-watch.mjs"), join(here, "servers", `${name}.mjs`)],
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

function gcOf(child, from, to) {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m.gc));
    child.send({ gcWindow: [from, to] });
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

async function paced(child, name, rate) {
  const c0 = cpuMs(child.pid);
  const out = await run("taskset", [
    "-c",
    "1",
    process.execPath,
    join(here, "paced-client.mjs"),
    "--port",
    String(portOf(name)),
    "--rate",
    String(Math.round(rate)),
    "--duration",
    args.duration,
    "--warmup",
    args.warmup,
    "--connections",
    args.connections,
  ]);
  const r = JSON.parse(out.trim().split("\n").at(-1));
  r.cpuPct = ((cpuMs(child.pid) - c0) / ((Number(args.duration) + Number(args.warmup)) * 1000)) * 100;
  r.gc = await gcOf(child, r.windowFrom, r.windowTo);
  return r;
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
      // The machine's speed drifts by 2× within minutes here: the maximum is measured again before each pair of windows.
      const max = await maxRps(peer);
      // Let the peer settle after wrk (its post-load GC runs on the same core), and let each server
      // go first in turn: the first window after the wrk run measured worse, whichever server it was.
      await sleep(3000);
      const pair = shares.indexOf(share) % 2 === 0 ? order : [...order].reverse();
      for (const s of pair) {
        const r = await paced(children[s], s, share * max);
        results.push({ run: runNo, share, server: s, r });
        console.log(
          `  ${share} × ${max.toFixed(0)} = ${Math.round(share * max)}/s ${s.padEnd(8)} got ${r.achievedRps.toFixed(0)}/s ` +
            `p50 ${f2(r.p50)} p90 ${f2(r.p90)} p99 ${f2(r.p99)} p99.9 ${f2(r.p999)} max ${f2(r.max)} ms · ` +
            `cpu ${r.cpuPct.toFixed(0)} % · client late p99 ${f2(r.clientLateP99)} max ${f2(r.clientLateMax)} ms · gc ${r.gc.count} pauses, ${f2(r.gc.totalMs)} ms total, max ${f2(r.gc.maxMs)} ms` +
            `${r.unanswered || r.non200 ? ` · unanswered ${r.unanswered} non-200 ${r.non200}` : ""} · load ${load()}`,
        );
      }
    }
  } finally {
    for (const c of Object.values(children)) c.kill("SIGKILL");
  }
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
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
