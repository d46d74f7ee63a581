#!/usr/bin/env node
// Profile one server under the bench load: node --cpu-prof on the server
// (pinned to CPU 0), the client on CPU 1; prints the top self-time functions.
//   node bench/ws/profile.mjs [wego|bare] [seconds]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const which = process.argv[2] ?? "wego";
const seconds = process.argv[3] ?? "5";
const dir = mkdtempSync(join(tmpdir(), "ws-prof-"));
const PORT = "18343";
const server = spawn("taskset", ["-c", "0", process.execPath, "--cpu-prof", "--cpu-prof-dir", dir, join(here, "server.mjs")], {
  cwd: here,
  env: { ...process.env, SERVER: which, PORT, NODE_ENV: "production", EXIT_ON_SIGTERM: "1" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise((r) => server.stdout.once("data", r));
const out = execFileSync("taskset", ["-c", "1", process.execPath, join(here, "client.mjs")], {
  cwd: here,
  encoding: "utf8",
  env: { ...process.env, URL: `ws://127.0.0.1:${PORT}/ws`, WARMUP: "1", DURATION: seconds, SERVER_PID: String(server.pid) },
  stdio: ["ignore", "pipe", "inherit"],
});
console.log(out.trim());
// Round trips over the whole profile (warm-up included, roughly): for µs per round trip below.
const result = JSON.parse(out.trim().split("\n").at(-1));
const perRt = result.perSecond * (Number(seconds) + 1);
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
const prof = JSON.parse(readFileSync(join(dir, file), "utf8"));
const self = new Map();
const dt = prof.timeDeltas;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
prof.samples.forEach((id, i) => {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || "(anon)"} ${cf.url.split("/").slice(-2).join("/")}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
// Sampled wall time (idle included), so µs per round trip is approximate.
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / perRt).toFixed(3).padStart(7)} µs/rt  ${k}`);
}
console.log(`profile: ${join(dir, file)}`);
