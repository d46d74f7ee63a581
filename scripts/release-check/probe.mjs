// Starts an app, waits for its `listening <port>` line, asks it one HTTP
// question, then sends SIGTERM and expects a clean exit (it drains and stops).
// The command may be a wrapper (`npm start`): its exit code must then be 0 too.
// Prints `PASS <label> ...` or `FAIL <label>: <why>` with the app's output.
//
//   node probe.mjs <label> <path> <expected JSON data> [cwd] -- <command> [args...]
import { spawn } from "node:child_process";

const sep = process.argv.indexOf("--");
const [label, path, expected, cwd = process.cwd()] = process.argv.slice(2, sep);
const [command, ...args] = process.argv.slice(sep + 1);
const started = performance.now();
const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
let output = "";
const fail = (why) => {
  console.log(`FAIL ${label}: ${why}\n--- output of ${command} ${args.join(" ")}\n${output}---`);
  child.kill("SIGKILL");
  // Under a wrapper (`npm start`) the app is npm's child: don't leave it running.
  const pid = Number(/"pid":(\d+)/.exec(output)?.[1]);
  if (pid && pid !== child.pid) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  process.exit(1);
};
const timer = setTimeout(() => fail("no `listening <port>` line within 60 s"), 60_000);
const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
exited.then(({ code, signal }) => {
  if (!answered) fail(`exited before answering (code ${code}, signal ${signal})`);
});
let answered = false;
let port;
const onData = (chunk) => {
  output += chunk;
  const m = /listening (\d+)(?: undici=(\S+))?/.exec(output);
  if (m && port === undefined) {
    port = Number(m[1]);
    if (m[2] === "loaded") fail("undici was loaded by an app that makes no HTTP client");
    ask().catch((err) => fail(err.message));
  }
};
child.stdout.on("data", onData);
child.stderr.on("data", onData);

async function ask() {
  clearTimeout(timer);
  const ready = Math.round(performance.now() - started);
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await res.json();
  if (res.status !== 200 || body.code !== "ok" || JSON.stringify(body.data) !== expected)
    fail(`GET ${path} answered ${res.status} ${JSON.stringify(body)}, expected data ${expected}`);
  answered = true;
  // SIGTERM to the app itself (its pino lines name its pid), as a container
  // runtime would send it; under `npm start` that is npm's child.
  const pid = Number(/"pid":(\d+)/.exec(output)?.[1] ?? child.pid);
  process.kill(pid, "SIGTERM");
  const stop = setTimeout(() => fail("still running 15 s after SIGTERM"), 15_000);
  const { code, signal } = await exited;
  clearTimeout(stop);
  if (code !== 0) fail(`exit code ${code} (signal ${signal}) after SIGTERM, expected 0`);
  console.log(`PASS ${label}: answered GET ${path} with ${expected} (${ready} ms to listening), exited 0 on SIGTERM`);
}
