#!/usr/bin/env node
// HTTP benchmark: wego vs raw node:http, Fastify, Express and NestJS-on-Fastify.
// Each server is its own process pinned to CPU 0 (all started up front, each on
// its own port, idle while another is measured); wrk is pinned to CPU 1. Each
// round measures every server once per route in short runs, in an order
// rotated per round, so A/B alternate closely; every ratio compares runs of
// the same round.
//
//   node bench/http/run.mjs [--rounds 5] [--duration 5] [--warmup 3] [--servers raw,fastify,...] [--no-build] [--no-readme]
//
// Builds @wego/core and @wego/http first (the wego server runs the built packages, as an app would).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { echoBody, writePostScript } from "./post-body.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "100" },
    servers: { type: "string", default: "raw,fastify,express,nest-fastify,wego" },
    "no-build": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
  },
});
const rounds = Number(args.rounds);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connections = Number(args.connections);
const servers = args.servers.split(",");
const BASE_PORT = 18341;
const portOf = (name) => BASE_PORT + servers.indexOf(name);
const TICK_US = 1e6 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

const luaFile = writePostScript("post");

if (!args["no-build"]) {
  console.error("building @wego/core and @wego/http…");
  execFileSync("pnpm", ["-F", "@wego/core", "-F", "@wego/http", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function call(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function startServer(name) {
  const port = portOf(name);
  const child = spawn("taskset", ["-c", "0", process.execPath, join(here, "servers", `${name}.mjs`)], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    await sleep(50);
    try {
      const r = await call(port, "GET", "/hello/world");
      if (r.status === 200) return child;
    } catch {
      // not listening yet
    }
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start`);
}

/** Check both routes answer what they should before measuring them. */
async function verify(name) {
  const port = portOf(name);
  const unwrap = (text) => {
    const v = JSON.parse(text);
    return name.startsWith("wego") ? v.data : v;
  };
  const g = await call(port, "GET", "/hello/world");
  if (g.status !== 200 || unwrap(g.body).hello !== "world") throw new Error(`${name} GET answered ${g.status} ${g.body}`);
  const p = await call(port, "POST", "/echo", echoBody);
  if (p.status !== 200 || JSON.stringify(unwrap(p.body)) !== echoBody)
    throw new Error(`${name} POST answered ${p.status} ${p.body.slice(0, 200)}`);
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15), all threads
}

function toMs(v) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1);
}

function wrk(port, path, seconds, post) {
  const a = ["-c", "1", "wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--latency"];
  if (post) a.push("-s", luaFile);
  a.push(`http://127.0.0.1:${port}${path}`);
  const out = execFileSync("taskset", a, { encoding: "utf8" });
  const num = (rx) => {
    const m = rx.exec(out);
    return m ? m[1] : undefined;
  };
  const requests = Number(num(/(\d+) requests in/));
  const non2xx = Number(num(/Non-2xx or 3xx responses: (\d+)/) ?? 0);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sockErr ? sockErr.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
  const result = { rps: Number(num(/Requests\/sec:\s+([\d.]+)/)), p99: toMs(num(/^\s+99%\s+(\S+)/m)), requests, non2xx, errors };
  if (non2xx > 0 || errors > 0 || !Number.isFinite(result.p99)) console.error(`wrk ${path} reported trouble:\n${out}`);
  return result;
}

function measure(name, pid, path, post) {
  const t0 = process.hrtime.bigint();
  const c0 = cpuTicks(pid);
  const r = wrk(portOf(name), path, duration, post);
  const c1 = cpuTicks(pid);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpuUs = (c1 - c0) * TICK_US;
  return { ...r, cpuUsPerReq: cpuUs / r.requests, cpuPct: (100 * cpuUs) / wall };
}

const children = new Map();
const stopAll = () => {
  for (const c of children.values()) c.kill("SIGKILL");
};
process.on("exit", stopAll);
const runs = [];
try {
  for (const name of servers) {
    children.set(name, await startServer(name));
    await verify(name);
  }
  // Warm every server up on both routes (JIT, pools) before any measurement.
  for (const name of servers) {
    wrk(portOf(name), "/hello/world", warmup, false);
    wrk(portOf(name), "/echo", warmup, true);
  }
  for (let round = 0; round < rounds; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const [route, path, post] of [
      ["get", "/hello/world", false],
      ["post", "/echo", true],
    ]) {
      for (const name of order) {
        const r = measure(name, children.get(name).pid, path, post);
        runs.push({ round, server: name, route, ...r });
        console.error(
          `round ${round} ${route.padEnd(4)} ${name.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s  p99 ${r.p99}ms  ${r.cpuUsPerReq.toFixed(2)} µs/req`,
        );
      }
    }
  }
} finally {
  stopAll();
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const k = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));

function table(route) {
  const lines = [
    "| server | req/s (median) | × fastify | × raw | p99 ms | server CPU % | server CPU µs/req | non-2xx / errors | runs (req/s) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const name of servers) {
    const mine = runs.filter((r) => r.server === name && r.route === route);
    const ratio = (other) =>
      median(
        mine.map((m) => {
          const o = runs.find((r) => r.server === other && r.round === m.round && r.route === route);
          return o ? m.rps / o.rps : Number.NaN;
        }),
      );
    const bad = mine.reduce((s, m) => s + m.non2xx + m.errors, 0);
    lines.push(
      `| ${name} | ${k(median(mine.map((m) => m.rps)))} | ${ratio("fastify").toFixed(2)} | ${ratio("raw").toFixed(2)} | ${median(mine.map((m) => m.p99)).toFixed(2)} | ${median(mine.map((m) => m.cpuPct)).toFixed(0)} | ${median(mine.map((m) => m.cpuUsPerReq)).toFixed(2)} | ${bad} | ${mine.map((m) => k(m.rps)).join(", ")} |`,
    );
  }
  return lines.join("\n");
}

const stamp = new Date().toISOString().replace(/\..*/, "Z");
const summary = [
  `Run ${stamp}: node ${process.version}, ${rounds} rounds, wrk -t1 -c${connections} -d${duration}s per server, route and round (after a ${warmup}s warm-up of each), servers on CPU 0, wrk on CPU 1.`,
  "",
  "### GET /hello/:name → small JSON",
  "",
  table("get"),
  "",
  "### POST /echo, 1,011-byte JSON body parsed and echoed",
  "",
  table("post"),
].join("\n");
console.log(summary);

mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(
  join(here, "results", "latest.json"),
  `${JSON.stringify({ stamp, node: process.version, rounds, duration, connections, runs }, null, 2)}\n`,
);
if (!args["no-readme"]) {
  const readme = join(here, "README.md");
  const text = readFileSync(readme, "utf8");
  const start = "<!-- results:start -->";
  const end = "<!-- results:end -->";
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i !== -1 && j > i) {
    writeFileSync(readme, `${text.slice(0, i + start.length)}\n${summary}\n${text.slice(j)}`);
    // Biome formats Markdown tables too; keep the file as `pnpm lint` wants it.
    execFileSync("pnpm", ["biome", "format", "--write", readme], { cwd: root, stdio: "ignore" });
  }
}
