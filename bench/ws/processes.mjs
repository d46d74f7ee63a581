// The processes of bench/ws, shared by run.mjs (one server at a time) and
// together.mjs (two at once): a server of server.mjs pinned to CPU 0, and the
// client.mjs command line pinned to CPU 1.
import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const CLK_TCK = execFileSync("getconf", ["CLK_TCK"]).toString().trim();

/** Start server `name` of server.mjs on `port`; resolves with the child once it listens. */
export function startServer(name, port) {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", "0", process.execPath, join(here, "server.mjs")], {
      cwd: here,
      env: { ...process.env, SERVER: name, PORT: String(port), NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 10_000);
    child.stdout.once("data", () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/** The client's command, arguments and options for a server on `port` (its CPU read from /proc/<serverPid>). */
export function clientCommand(port, serverPid, { conns, warmup, duration }) {
  return [
    "taskset",
    ["-c", "1", process.execPath, join(here, "client.mjs")],
    {
      cwd: here,
      env: {
        ...process.env,
        URL: `ws://127.0.0.1:${port}/ws`,
        CONNS: conns,
        WARMUP: warmup,
        DURATION: duration,
        SERVER_PID: String(serverPid),
        CLK_TCK,
      },
    },
  ];
}

/** The client's result: the JSON object on the last line of its output. */
export const parseClientOutput = (out) => JSON.parse(out.trim().split("\n").at(-1));
