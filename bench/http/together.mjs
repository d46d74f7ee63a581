#!/usr/bin/env node
// The same comparison as run.mjs, measured so that the VM's drift cancels:
// wego and one competitor are loaded at the same time, both pinned to CPU 0
// (the scheduler gives each half of it), each by its own wrk on CPU 1. Both
// are CPU-bound on the same core over the same seconds, so the ratio of
// requests they complete is the inverse ratio of their CPU cost per request,
// whatever the machine is doing. On this 2-vCPU VM sequential runs of one
// server drift by ±15 % from run to run; these ratios hold to about ±2 %.
//
//   node bench/http/together.mjs [--vs fastify] [--wego wego] [--rounds 5] [--duration 5] [--no-build]
//
// --wego wego-async loads the wego server whose services are `async` functions
// (each then costs a promise and a microtask hop, as in most real handlers).
// Prints per round and route: req/s of each and wego ÷ competitor. Check with
// `top` that CPU 0 is at 100 % and CPU 1 below it (server-bound), as here.
import { execFileSync, spawn } from "node:child_process";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writePostScript } from "./post-body.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    vs: { type: "string", default: "fastify" },
    wego: { type: "string", default: "wego" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "100" },
    "no-build": { type: "boolean", default: false },
  },
});
const rounds = Number(args.rounds);
const duration = Number(args.duration);
const servers = [args.wego, args.vs];
const portOf = (name) => 18441 + servers.indexOf(name);

const luaFile = writePostScript("together");

if (!args["no-build"]) {
  execFileSync("pnpm", ["-F", "@wego/core", "-F", "@wego/http", "build"], { cwd: join(here, "..", ".."), stdio: "ignore" });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const get = (port) =>
  new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/hello/world" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    })
      .on("error", reject)
      .end();
  });

async function start(name) {
  const child = spawn("taskset", ["-c", "0", process.execPath, join(here, "servers", `${name}.mjs`)], {
    env: { ...process.env, PORT: String(portOf(name)), NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    await sleep(50);
    if ((await get(portOf(name)).catch(() => 0)) === 200) return child;
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start`);
}

/** Run one wrk per server at once, spawned in `order`; resolve with each one's requests per second, in `servers` order. */
async function together(order, path, post, seconds) {
  const rps = await Promise.all(
    order.map(
      (name) =>
        new Promise((resolve, reject) => {
          const a = ["-c", "1", "wrk", "-t1", `-c${args.connections}`, `-d${seconds}s`];
          if (post) a.push("-s", luaFile);
          a.push(`http://127.0.0.1:${portOf(name)}${path}`);
          let out = "";
          const w = spawn("taskset", a, { stdio: ["ignore", "pipe", "inherit"] });
          w.stdout.on("data", (d) => {
            out += d;
          });
          w.on("error", reject);
          w.on("close", () => {
            const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
            if (/Non-2xx|Socket errors/.test(out)) reject(new Error(`wrk against ${name} reported trouble:\n${out}`));
            else resolve(rps);
          });
        }),
    ),
  );
  return servers.map((name) => rps[order.indexOf(name)]);
}

// Each round starts both servers afresh, in an order that alternates by
// round (so does the order their wrk processes are spawned in): a server's
// process state or its place in the start order then can't favour it for a
// whole run (runs that kept one pair of processes moved by ±3–5 % between
// runs while their rounds agreed to ±2 %).
const children = [];
try {
  const routes = [
    ["GET /hello/:name", "/hello/world", false],
    ["POST /echo (1 KB)", "/echo", true],
  ];
  const ratios = new Map(routes.map(([label]) => [label, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) children.push(await start(s));
    for (const [, path, post] of routes) await together(order, path, post, 2); // warm-up
    for (const [label, path, post] of routes) {
      const [w, c] = await together(order, path, post, duration);
      ratios.get(label).push(w / c);
      console.log(
        `round ${r} (${order[0]} first) ${label.padEnd(18)} ${args.wego} ${w.toFixed(0)} req/s, ${args.vs} ${c.toFixed(0)} req/s, ratio ${(w / c).toFixed(3)}`,
      );
    }
    for (const c of children.splice(0)) {
      c.kill("SIGKILL");
      if (c.exitCode === null) await new Promise((resolve) => c.once("exit", resolve));
    }
  }
  console.log(`\n| route | ${args.wego} ÷ ${args.vs} (median) | rounds |\n|---|---:|---|`);
  for (const [label, rs] of ratios) {
    const sorted = [...rs].sort((a, b) => a - b);
    console.log(`| ${label} | ${sorted[Math.floor(sorted.length / 2)].toFixed(3)} | ${rs.map((x) => x.toFixed(3)).join(", ")} |`);
  }
} finally {
  for (const c of children) c.kill("SIGKILL");
}
