// Load generator for bench/ws: CONNS connections, each keeping exactly one
// frame in flight (the next is sent when the reply arrives). Warm-up, then a
// measured window during which it also samples SERVER_PID's CPU time
// (utime+stime from /proc, all threads). Prints one JSON line.
import { readFileSync } from "node:fs";
import WebSocket from "ws";

const url = process.env.URL ?? "ws://127.0.0.1:18342/ws";
const conns = Number(process.env.CONNS ?? 50);
const warmupMs = Number(process.env.WARMUP ?? 2) * 1000;
const durationMs = Number(process.env.DURATION ?? 10) * 1000;
const serverPid = Number(process.env.SERVER_PID);
const tickUs = 1e6 / Number(process.env.CLK_TCK ?? 100);

/** The process's user and system CPU time in µs (utime, stime of /proc/<pid>/stat: all threads). */
function cpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) * tickUs, system: Number(f[12]) * tickUs };
}

// 58 bytes with a one-digit id, as the anchor's frame: {"id":…,"route":"echo","data":{"msg":"hello","n":1}}
const frame = (id) => `{"id":${id},"route":"echo","data":{"msg":"hello","n":1}}`;

let measuring = false;
let count = 0;
let bad = 0;
// Latency histogram in 10 µs buckets up to 100 ms.
const buckets = new Uint32Array(10_000);

const sockets = await Promise.all(
  Array.from(
    { length: conns },
    () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      }),
  ),
);

let running = true;
for (const ws of sockets) {
  let id = 0;
  let sent = 0;
  ws.on("message", (data) => {
    const now = performance.now();
    // Both servers must answer the frame just sent: check the correlation id.
    if (JSON.parse(data.toString()).id !== id) bad++;
    if (measuring) {
      count++;
      const b = Math.min(buckets.length - 1, Math.floor((now - sent) * 100));
      buckets[b]++;
    }
    if (!running) return;
    id = (id + 1) % 10;
    sent = performance.now();
    ws.send(frame(id));
  });
  sent = performance.now();
  ws.send(frame(id));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(warmupMs);
measuring = true;
const c0 = cpuUs(serverPid);
const u0 = process.cpuUsage();
const t0 = performance.now();
await sleep(durationMs);
measuring = false;
const wallMs = performance.now() - t0;
const c1 = cpuUs(serverPid);
const own = process.cpuUsage(u0);
running = false;
const measured = count;

function percentile(p) {
  const target = Math.ceil(measured * p);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= target) return (i + 1) / 100;
  }
  return Number.NaN;
}

console.log(
  JSON.stringify({
    roundTrips: measured,
    perSecond: measured / (wallMs / 1000),
    p50: percentile(0.5),
    p99: percentile(0.99),
    serverCpuUsPerRoundTrip: (c1.user + c1.system - c0.user - c0.system) / measured,
    serverUserUsPerRoundTrip: (c1.user - c0.user) / measured,
    serverSystemUsPerRoundTrip: (c1.system - c0.system) / measured,
    serverCpuPct: (100 * (c1.user + c1.system - c0.user - c0.system)) / (wallMs * 1000),
    clientCpuPct: (100 * (own.user + own.system)) / (wallMs * 1000),
    badReplies: bad,
  }),
);
for (const ws of sockets) ws.terminate();
process.exit(0);
