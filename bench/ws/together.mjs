#!/usr/bin/env node
// bench/ws measured so that the VM's drift cancels (as bench/http/together.mjs):
// two servers at the same time, both pinned to CPU 0, each loaded by its own
// client.mjs (50 connections, one message in flight each), both clients on
// CPU 1, over the same seconds. Each server's CPU per round trip is read from
// /proc over that window; both saw the same machine, so their ratio holds
// where sequential runs of one server move by ±20 % from minute to minute.
//
//   node bench/ws/together.mjs [--a wego] [--b bare] [--rounds 5] [--duration 6] [--warmup 2]
//
// Servers are those of server.mjs (bare, json, wego, wego-sync). Run `pnpm build` first.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { clientCommand, parseClientOutput, startServer } from "./processes.mjs";

const { values: args } = parseArgs({
  options: {
    a: { type: "string", default: "wego" },
    b: { type: "string", default: "bare" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "6" },
    warmup: { type: "string", default: "2" },
    conns: { type: "string", default: "50" },
  },
});
const pair = [args.a, args.b];

function runClient(port, serverPid) {
  return new Promise((resolve, reject) => {
    let out = "";
    const [cmd, argv, options] = clientCommand(port, serverPid, args);
    const c = spawn(cmd, argv, { ...options, stdio: ["ignore", "pipe", "inherit"] });
    c.stdout.on("data", (d) => {
      out += d;
    });
    c.on("error", reject);
    c.on("close", (code) => (code === 0 ? resolve(parseClientOutput(out)) : reject(new Error(`client exited ${code}`))));
  });
}

const ratios = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const children = await Promise.all(pair.map((name, i) => startServer(name, 18350 + i)));
  try {
    // Clients spawned in an order that alternates by round.
    const idx = round % 2 === 0 ? [0, 1] : [1, 0];
    const results = await Promise.all(idx.map((i) => runClient(18350 + i, children[i].pid)));
    const [a, b] = round % 2 === 0 ? results : [...results].reverse();
    if (a.badReplies + b.badReplies > 0) throw new Error("replies with the wrong id");
    const ratio = a.serverCpuUsPerRoundTrip / b.serverCpuUsPerRoundTrip;
    ratios.push(ratio);
    const line = (name, r) =>
      `${name} ${r.perSecond.toFixed(0)} rt/s ${r.serverCpuUsPerRoundTrip.toFixed(2)} µs/rt (user ${r.serverUserUsPerRoundTrip.toFixed(2)} + sys ${r.serverSystemUsPerRoundTrip.toFixed(2)}, ${r.serverCpuPct.toFixed(0)}% CPU)`;
    console.log(`round ${round}: ${line(args.a, a)} | ${line(args.b, b)} | CPU/rt ratio ${ratio.toFixed(3)}`);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.once("exit", r) : r()))));
  }
}
const sorted = [...ratios].sort((x, y) => x - y);
console.log(
  `${args.a} ÷ ${args.b}, server CPU per round trip, median of ${ratios.length}: ${sorted[sorted.length >> 1].toFixed(3)} (${ratios.map((r) => r.toFixed(3)).join(", ")})`,
);
