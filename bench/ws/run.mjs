#!/usr/bin/env node
// WebSocket benchmark: wego (@wego/ws) against a bare `ws` echo server.
// 50 connections × 1 frame in flight; the server is pinned to CPU 0 and the
// client to CPU 1; rounds alternate the order; each ratio compares runs of the
// same round. Reports round trips/s, p50/p99 and the server's CPU µs per round trip.
//
//   node bench/ws/run.mjs [--rounds 3] [--duration 10] [--warmup 2] [--conns 50] [--no-build] [--no-readme]
//
// Builds @wego/core and @wego/ws first (the wego server runs the built packages, as an app would).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { clientCommand, parseClientOutput, startServer } from "./processes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    conns: { type: "string", default: "50" },
    servers: { type: "string", default: "bare,json,wego,wego-sync" },
    "no-build": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
  },
});
const servers = args.servers.split(",");
const PORT = 18342;

if (!args["no-build"]) {
  console.error("building @wego/core and @wego/ws…");
  execFileSync("pnpm", ["-F", "@wego/core", "-F", "@wego/ws", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

function runClient(serverPid) {
  const [cmd, argv, options] = clientCommand(PORT, serverPid, args);
  return parseClientOutput(execFileSync(cmd, argv, { ...options, encoding: "utf8" }));
}

const runs = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const order = servers.map((_, i) => servers[(i + round) % servers.length]);
  for (const name of order) {
    const child = await startServer(name, PORT);
    try {
      const r = runClient(child.pid);
      if (r.badReplies > 0) throw new Error(`${name}: ${r.badReplies} replies with the wrong id`);
      runs.push({ round, server: name, ...r });
      console.error(
        `round ${round} ${name.padEnd(5)} ${r.perSecond.toFixed(0)} rt/s  p50 ${r.p50}ms p99 ${r.p99}ms  server ${r.serverCpuUsPerRoundTrip.toFixed(2)} µs/rt (user ${r.serverUserUsPerRoundTrip.toFixed(2)} + sys ${r.serverSystemUsPerRoundTrip.toFixed(2)}; ${r.serverCpuPct.toFixed(0)}% CPU)  client ${r.clientCpuPct.toFixed(0)}% CPU`,
      );
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const k = (n) => `${(n / 1000).toFixed(1)}k`;
const rows = servers.map((name) => {
  const mine = runs.filter((r) => r.server === name);
  const ratios = mine.map((r) => {
    const bare = runs.find((b) => b.round === r.round && b.server === "bare");
    return { rt: r.perSecond / bare.perSecond, cpu: r.serverCpuUsPerRoundTrip / bare.serverCpuUsPerRoundTrip };
  });
  return {
    name,
    rps: median(mine.map((r) => r.perSecond)),
    p50: median(mine.map((r) => r.p50)),
    p99: median(mine.map((r) => r.p99)),
    cpu: median(mine.map((r) => r.serverCpuUsPerRoundTrip)),
    user: median(mine.map((r) => r.serverUserUsPerRoundTrip)),
    sys: median(mine.map((r) => r.serverSystemUsPerRoundTrip)),
    serverPct: median(mine.map((r) => r.serverCpuPct)),
    clientPct: median(mine.map((r) => r.clientCpuPct)),
    rtRatio: median(ratios.map((x) => x.rt)),
    cpuRatio: median(ratios.map((x) => x.cpu)),
    runs: mine.map((r) => `${k(r.perSecond)} / ${r.serverCpuUsPerRoundTrip.toFixed(2)}`).join(", "),
  };
});

const table = [
  "| server | round trips/s (median) | × bare | p50 ms | p99 ms | server CPU µs/rt | (user + sys) | × bare CPU/rt | server CPU % | client CPU % | runs (rt/s / µs) |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${k(r.rps)} | ${r.rtRatio.toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.user.toFixed(2)} + ${r.sys.toFixed(2)} | ${r.cpuRatio.toFixed(2)} | ${r.serverPct.toFixed(0)} | ${r.clientPct.toFixed(0)} | ${r.runs} |`,
  ),
].join("\n");
console.log(table);

if (!args["no-readme"]) {
  const readme = join(here, "README.md");
  const text = readFileSync(readme, "utf8");
  const stamp = `<!-- results: ${new Date().toISOString()}, node ${process.version}, ${args.rounds} rounds × ${args.duration} s, ${args.conns} connections -->`;
  const block = `<!-- results:start -->\n${stamp}\n\n${table}\n<!-- results:end -->`;
  writeFileSync(readme, text.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, block));
}
