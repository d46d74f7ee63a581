#!/usr/bin/env node
// The tail by the age of the process: fresh wego and Fastify servers (CPU 0) per start, each given
// the same wrk warm-up (-c100, 4 s), then one paced-client.mjs (CPU 1) loading them in alternating
// 2 s turns at a fixed rate; prints each turn's p99 per server and, over all starts, the median
// p99 of turns 0–4, 5–9, … — whether a server's tail is worse early in its life or only unlucky.
//
//   node bench/http/by-age.mjs [starts=4] [rate=37000] [turns=20]
import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [starts = 4, rate = 37000, turns = 20] = process.argv.slice(2).map(Number);
const ports = { wego: 18901, fastify: 18902 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(name) {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", "0", process.execPath, join(here, "servers", `${name}.mjs`)], {
      env: { ...process.env, PORT: String(ports[name]), NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

const series = { wego: [], fastify: [] };
for (let i = 0; i < starts; i++) {
  const order = i % 2 === 0 ? ["wego", "fastify"] : ["fastify", "wego"];
  const children = [await start("wego"), await start("fastify")];
  try {
    for (const n of order) {
      execFileSync("taskset", ["-c", "1", "wrk", "-t1", "-c100", "-d4s", `http://127.0.0.1:${ports[n]}/hello/world`], { stdio: "ignore" });
    }
    await sleep(3000);
    const out = execFileSync(
      "taskset",
      ["-c", "1", process.execPath, join(here, "paced-client.mjs"), "--port", order.map((n) => ports[n]).join(",")].concat([
        "--rate",
        String(rate),
        "--slices",
        String(turns),
        "--slice",
        "2",
        "--warmup",
        "2",
      ]),
      { encoding: "utf8" },
    );
    for (const line of out.trim().split("\n")) {
      const r = JSON.parse(line);
      const name = r.port === ports.wego ? "wego" : "fastify";
      series[name].push(r.turnP99);
      console.log(`start ${i} ${name.padEnd(8)} p99 ${r.p99.toFixed(2)} p99.9 ${r.p999.toFixed(2)} ms · per turn: ${r.turnP99.join(" ")}`);
    }
  } finally {
    for (const c of children) c.kill("SIGKILL");
  }
  await sleep(500);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log("\n| turns (2 s each, by age) | wego p99, median of turns | Fastify |\n|---|---:|---:|");
for (let from = 0; from < turns; from += 5) {
  const pick = (name) => series[name].flatMap((t) => t.slice(from, from + 5));
  console.log(`| ${from}–${Math.min(from + 4, turns - 1)} | ${median(pick("wego")).toFixed(2)} | ${median(pick("fastify")).toFixed(2)} |`);
}
