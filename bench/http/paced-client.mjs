#!/usr/bin/env node
// An open-loop HTTP/1.1 load generator (what wrk2 does, written here because
// wrk2 is not packaged in Debian): requests are due at a fixed rate whatever
// the server does, and each one's latency is counted from the moment it was
// DUE, not from when it could be sent — a server that stalls for 20 ms is
// charged those 20 ms for every request that fell due meanwhile (the
// "coordinated omission" a closed-loop client like wrk or autocannon hides).
//
//   node bench/http/paced-client.mjs --port 18441 --rate 20000 [--duration 10] [--warmup 3]
//                                    [--connections 100] [--path /hello/world]
//
// Request k (k = 0, 1, …) is due at start + k / rate and goes to connection
// k mod connections; a connection still waiting for its previous answer
// queues it (wrk2's model: one request in flight per keep-alive connection).
// The due times are checked in a setImmediate loop (the generator has a core
// of its own, so it polls). Prints one JSON line: latencies (ms) of the
// requests due in the measured window, their percentiles, the rate achieved,
// non-200 answers, requests still unanswered 5 s after the window, and the
// window's wall-clock bounds (for the server's GC log).
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    rate: { type: "string" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "100" },
    path: { type: "string", default: "/hello/world" },
  },
});
const port = Number(a.port);
const rate = Number(a.rate);
const conns = Number(a.connections);
const warmupMs = Number(a.warmup) * 1000;
const measureMs = Number(a.duration) * 1000;
if (!(port > 0 && rate > 0)) throw new Error("--port and --rate are required");

const request = Buffer.from(`GET ${a.path} HTTP/1.1\r\nHost: ${a.host}:${port}\r\n\r\n`, "latin1");
const total = Math.floor(((warmupMs + measureMs) * rate) / 1000);
const firstMeasured = Math.floor((warmupMs * rate) / 1000);
const latencies = new Float64Array(total - firstMeasured);
let answered = 0;
let measuredAnswered = 0;
let non200 = 0;

const CRLFCRLF = Buffer.from("\r\n\r\n");
const CL = [Buffer.from("content-length:"), Buffer.from("Content-Length:")];

/** The content length in the head `buf[from, end)`, read without building strings. */
function contentLength(buf, from, end) {
  for (const name of CL) {
    let i = buf.indexOf(name, from);
    if (i === -1 || i >= end) continue;
    i += name.length;
    let n = 0;
    for (; i < end; i++) {
      const c = buf[i];
      if (c === 32) continue;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    return n;
  }
  return 0;
}

/** One keep-alive connection: its queue of due times, one request in flight. */
class Conn {
  constructor() {
    this.queue = []; // request indexes due and not yet sent
    this.head = 0;
    this.inflight = -1; // index of the request awaiting its answer
    this.buf = undefined; // bytes of an answer not complete yet
    this.socket = connect({ port, host: a.host, noDelay: true });
    this.socket.on("data", (d) => this.onData(d));
    this.socket.on("error", (e) => {
      console.error(`connection error: ${e.message}`);
      process.exit(2);
    });
  }
  due(k) {
    if (this.inflight === -1) this.send(k);
    else this.queue.push(k);
  }
  send(k) {
    this.inflight = k;
    this.socket.write(request);
  }
  onData(d) {
    const buf = this.buf === undefined ? d : Buffer.concat([this.buf, d]);
    let at = 0;
    for (;;) {
      const end = buf.indexOf(CRLFCRLF, at);
      if (end === -1) break;
      const length = end + 4 + contentLength(buf, at, end) - at;
      if (buf.length - at < length) break;
      // "HTTP/1.1 200": the status digits are bytes 9–11.
      if (buf[at + 9] !== 50 || buf[at + 10] !== 48 || buf[at + 11] !== 48) non200++;
      at += length;
      const k = this.inflight;
      const now = performance.now();
      answered++;
      if (k >= firstMeasured) {
        latencies[k - firstMeasured] = now - (start + (k * 1000) / rate);
        measuredAnswered++;
      }
      this.inflight = -1;
      if (this.head < this.queue.length) {
        this.send(this.queue[this.head++]);
        if (this.head > 1024) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    }
    this.buf = at === buf.length ? undefined : buf.subarray(at);
  }
}

const pool = Array.from({ length: conns }, () => new Conn());
await Promise.all(pool.map((c) => new Promise((r) => c.socket.once("connect", r))));

const wallStart = Date.now();
const start = performance.now();
const cpu0 = process.cpuUsage();
let next = 0;
const lateness = new Float64Array(1 << 20); // per tick: how late its first due request went out
let lateCount = 0;
await new Promise((resolve) => {
  const tick = () => {
    const elapsed = performance.now() - start;
    const dueUpTo = Math.min(total, Math.floor((elapsed * rate) / 1000) + 1);
    if (next < dueUpTo && lateCount < lateness.length) lateness[lateCount++] = elapsed - (next * 1000) / rate;
    for (; next < dueUpTo; next++) pool[next % conns].due(next);
    if (next < total) setImmediate(tick);
    else resolve();
  };
  tick();
});
const cpu = process.cpuUsage(cpu0);
const windowFrom = wallStart + warmupMs;
const windowTo = wallStart + warmupMs + measureMs;
// Let the last requests come back (a stalled server gets 5 s).
const deadline = performance.now() + 5000;
while (answered < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
const sentMeasured = total - firstMeasured;
latencies.sort();
// Unanswered requests hold 0 in `latencies` (an answered one is > 0): they sort first, leave them out.
const missing = sentMeasured - measuredAnswered;
const answeredSorted = latencies.subarray(missing);
const late = lateness.subarray(0, lateCount).sort();
const q = (p) => answeredSorted[Math.min(answeredSorted.length - 1, Math.floor(answeredSorted.length * p))] ?? 0;
console.log(
  JSON.stringify({
    rate,
    requests: sentMeasured,
    answered: measuredAnswered,
    unanswered: missing,
    non200,
    achievedRps: (measuredAnswered * 1000) / measureMs,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    max: answeredSorted.at(-1) ?? 0,
    // How late this generator itself put requests on the wire (p99 and max, ms): it polls, so its CPU
    // reads ~100 % whatever the load; when this lateness grows, the figures above are its limits, not the server's.
    clientLateP99: late[Math.floor(late.length * 0.99)] ?? 0,
    clientLateMax: late.at(-1) ?? 0,
    clientCpuPct: (cpu.user + cpu.system) / 10 / (warmupMs + measureMs),
    windowFrom,
    windowTo,
  }),
);
for (const c of pool) c.socket.destroy();
