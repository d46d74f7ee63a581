// CLI startup: wall time and CPU of one `run exam.one --k v` process, wego vs
// a bare parseArgs script; the two alternate in every round, the child is
// pinned to CPU 0. Usage: node bench/cli/run.mjs [runsPerRound=10] [rounds=3]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const perRound = Number(process.argv[2] ?? 10);
const rounds = Number(process.argv[3] ?? 3);
const args = ["--server", "command", "run", "exam.one", "--k", "v"];
const apps = { raw: join(here, "raw-app.mjs"), wego: join(here, "wego-app.mjs") };

/** One process: wall, user+sys CPU (ms), from /usr/bin/time. */
function once(file) {
  const r = spawnSync("taskset", ["-c", "0", "/usr/bin/time", "-f", "TIME %e %U %S", process.execPath, file, ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0 || !r.stdout.includes('"code":"ok"')) throw new Error(`bad run of ${file}: ${r.stdout} ${r.stderr}`);
  const [wall, user, sys] = /TIME (\S+) (\S+) (\S+)/.exec(r.stderr).slice(1).map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

const results = { raw: [], wego: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ["raw", "wego"] : ["wego", "raw"];
  for (let i = 0; i < perRound; i++) for (const name of order) results[name].push(once(apps[name]));
}
const row = (name) => {
  const wall = results[name].map((r) => r.wall);
  const cpu = results[name].map((r) => r.cpu);
  return { name, runs: wall.length, wallMedianMs: median(wall), wallP90Ms: p90(wall), cpuMedianMs: median(cpu) };
};
const raw = row("raw");
const wego = row("wego");
console.table([raw, wego]);
console.log(
  `wego / raw: wall ${(wego.wallMedianMs / raw.wallMedianMs).toFixed(2)}x, cpu ${(wego.cpuMedianMs / raw.cpuMedianMs).toFixed(2)}x`,
);
