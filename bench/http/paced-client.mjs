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
//   node bench/http/paced-client.mjs --port 18441,18442 --rate 20000 --slices 20 --slice 2 [--warmup 2]
//
// With one port: `warmup` seconds of load, then `duration` measured seconds.
// With several: each server gets `warmup` seconds of load in turn, then the
// servers take turns, `slice` seconds at a time, `slices` times each, and
// each server's latencies are pooled over its slices. Only one server is
// loaded at a time; a turn starts once the previous server has answered
// everything that fell due in its own turn. Short alternated turns spread the
// machine's stalls (another process, the hypervisor, this generator's own
// pauses) over every server alike, where two long windows would leave them to
// chance: on this 2-vCPU VM one 10–20 ms stall decides a 15 s window's p99.9.
//
// Request k of a turn is due at its start + k / rate and goes to connection
// k mod connections of that server; a connection still waiting for its
// previous answer queues it (wrk2's model: one request in flight per
// keep-alive connection). The due times are checked in a setImmediate loop
// (the generator has a core of its own, so it polls). Prints one JSON line
// per server: its measured requests' latency percentiles (ms), each measured turn's p99, the rate
// achieved, non-200 answers, requests unanswered 5 s after their turn, and
// the wall-clock bounds of its measured turns (for the server's GC log).
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
    slices: { type: "string", default: "1" },
    slice: { type: "string" },
    connections: { type: "string", default: "100" },
    path: { type: "string", default: "/hello/world" },
  },
});
const ports = (a.port ?? "").split(",").map(Number);
const rate = Number(a.rate);
const conns = Number(a.connections);
const warmupMs = Number(a.warmup) * 1000;
const sliceMs = Number(a.slice ?? a.duration) * 1000;
const slices = ports.length === 1 && a.slice === undefined ? 1 : Number(a.slices);
if (!(ports.every((p) => p > 0) && rate > 0 && sliceMs > 0 && slices > 0)) throw new Error("--port and --rate are required");

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

/** One server: its connections and the latencies of its measured requests. */
class Target {
  constructor(port) {
    this.port = port;
    this.request = Buffer.from(`GET ${a.path} HTTP/1.1\r\nHost: ${a.host}:${port}\r\n\r\n`, "latin1");
    this.latencies = new Float64Array(Math.ceil((slices * sliceMs * rate) / 1000) + conns);
    this.count = 0; // measured answers
    this.sent = 0; // measured requests put due
    this.pending = 0; // requests of the current turn not answered yet
    this.non200 = 0;
    this.windows = []; // [from, to] wall-clock ms of each measured turn
    this.turnP99 = []; // p99 of each measured turn, in order: how the tail moves as the process ages
    this.busyMs = 0;
    this.pool = Array.from({ length: conns }, () => new Conn(this));
  }
}

/** One keep-alive connection: the due times queued on it, one request in flight. */
class Conn {
  constructor(target) {
    this.target = target;
    this.queue = []; // [due, measured] pairs not sent yet
    this.head = 0;
    this.inflight = -1; // due time of the request awaiting its answer
    this.measured = false;
    this.buf = undefined; // bytes of an answer not complete yet
    this.socket = connect({ port: target.port, host: a.host, noDelay: true });
    this.socket.on("data", (d) => this.onData(d));
    this.socket.on("error", (e) => {
      console.error(`connection error: ${e.message}`);
      process.exit(2);
    });
  }
  due(at, measured) {
    this.target.pending++;
    if (this.inflight === -1) this.send(at, measured);
    else this.queue.push(at, measured);
  }
  send(at, measured) {
    this.inflight = at;
    this.measured = measured;
    this.socket.write(this.target.request);
  }
  onData(d) {
    const t = this.target;
    const buf = this.buf === undefined ? d : Buffer.concat([this.buf, d]);
    let at = 0;
    for (;;) {
      const end = buf.indexOf(CRLFCRLF, at);
      if (end === -1) break;
      const length = end + 4 + contentLength(buf, at, end) - at;
      if (buf.length - at < length) break;
      // "HTTP/1.1 200": the status digits are bytes 9–11.
      if (buf[at + 9] !== 50 || buf[at + 10] !== 48 || buf[at + 11] !== 48) t.non200++;
      at += length;
      if (this.measured) t.latencies[t.count++] = performance.now() - this.inflight;
      t.pending--;
      this.inflight = -1;
      if (this.head < this.queue.length) {
        this.send(this.queue[this.head], this.queue[this.head + 1]);
        this.head += 2;
        if (this.head > 2048) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    }
    this.buf = at === buf.length ? undefined : buf.subarray(at);
  }
}

const targets = ports.map((p) => new Target(p));
await Promise.all(targets.flatMap((t) => t.pool.map((c) => new Promise((r) => c.socket.once("connect", r)))));

const lateness = new Float64Array(1 << 20); // per tick: how late its first due request went out
let lateCount = 0;
const cpu0 = process.cpuUsage();
const runStart = performance.now();

/** Load `t` at the rate for `ms`, then wait (up to 5 s) until it has answered every request of the turn. */
async function turn(t, ms, measured) {
  const total = Math.floor((ms * rate) / 1000);
  const first = t.count;
  const wall = Date.now();
  const start = performance.now();
  let next = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      const dueUpTo = Math.min(total, Math.floor((elapsed * rate) / 1000) + 1);
      if (next < dueUpTo && lateCount < lateness.length) lateness[lateCount++] = elapsed - (next * 1000) / rate;
      for (; next < dueUpTo; next++) t.pool[next % conns].due(start + (next * 1000) / rate, measured);
      if (next < total) setImmediate(tick);
      else resolve();
    };
    tick();
  });
  if (measured) {
    t.sent += total;
    t.windows.push([wall, wall + ms]);
    t.busyMs += ms;
  }
  const deadline = performance.now() + 5000;
  while (t.pending > 0 && performance.now() < deadline) await new Promise((r) => setImmediate(r));
  // A turn's answers are contiguous in `latencies`: the next turn starts once this one is answered.
  if (measured) {
    const own = t.latencies.slice(first, t.count).sort();
    t.turnP99.push(Math.round((own[Math.floor(own.length * 0.99)] ?? 0) * 100) / 100);
  }
}

if (targets.length === 1) {
  await turn(targets[0], warmupMs, false);
  await turn(targets[0], sliceMs, true);
} else {
  for (const t of targets) await turn(t, warmupMs, false);
  for (let s = 0; s < slices; s++) for (const t of targets) await turn(t, sliceMs, true);
}
const cpu = process.cpuUsage(cpu0);
const runMs = performance.now() - runStart;
const late = lateness.subarray(0, lateCount).sort();

for (const t of targets) {
  const answered = t.latencies.subarray(0, t.count).sort();
  const q = (p) => answered[Math.min(answered.length - 1, Math.floor(answered.length * p))] ?? 0;
  console.log(
    JSON.stringify({
      port: t.port,
      rate,
      requests: t.sent,
      answered: t.count,
      unanswered: t.sent - t.count,
      non200: t.non200,
      achievedRps: (t.count * 1000) / t.busyMs,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      p999: q(0.999),
      max: answered.at(-1) ?? 0,
      // How late this generator itself put requests on the wire (p99 and max, ms, over the whole run): it polls,
      // so its CPU reads ~100 % whatever the load; when this lateness grows, the figures are its limits, not the server's.
      clientLateP99: late[Math.floor(late.length * 0.99)] ?? 0,
      clientLateMax: late.at(-1) ?? 0,
      clientCpuPct: (cpu.user + cpu.system) / 10 / runMs,
      windows: t.windows,
      turnP99: t.turnP99,
      windowFrom: t.windows[0][0],
      windowTo: t.windows.at(-1)[1],
      measuredMs: t.busyMs,
    }),
  );
}
for (const t of targets) for (const c of t.pool) c.socket.destroy();
