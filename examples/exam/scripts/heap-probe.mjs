// Does the example keep anything per connection? Starts dist/main.js under the
// inspector, measures it (process.memoryUsage() after a forced full GC, and a
// heap snapshot) at baseline, loads it from 127.0.0.1 with held HTTP and
// WebSocket connections and a WebSocket frame flood, closes everything, and
// measures again right after and once more after a pause. Then it compares
// the snapshots: live objects per constructor, baseline → after.
//
//   node scripts/heap-probe.mjs [--http 1000] [--ws 1000] [--flooders 20] [--frames 5000] [--payload 0] [--rounds 1] [--log-level warn]
//                               [--out /tmp/heap-probe] [--no-snapshots]
//
// Every loop is bounded by those numbers; nothing leaves 127.0.0.1.
// Needs dist (pnpm build); Redis and MySQL are used when they answer, as in a plain start.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";

const { values: opt } = parseArgs({
  allowNegative: true,
  options: {
    http: { type: "string", default: "1000" },
    ws: { type: "string", default: "1000" },
    flooders: { type: "string", default: "20" },
    frames: { type: "string", default: "5000" },
    // Bytes of padding in each flood frame's data (0: a bare frame of ~50 bytes).
    payload: { type: "string", default: "0" },
    // The app's LOG_LEVEL: at info every call logs a line (read and dropped here).
    "log-level": { type: "string", default: "warn" },
    rounds: { type: "string", default: "1" },
    out: { type: "string", default: "/tmp/heap-probe" },
    // Writing a snapshot costs the app native memory of its own (RSS); --no-snapshots measures memory alone.
    snapshots: { type: "boolean", default: true },
  },
});
const n = (k) => Number(opt[k]);
const mib = (b) => (b / 2 ** 20).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await mkdir(opt.out, { recursive: true });

// Loopback ports nothing listens on (bound, then released) for HTTP and WebSocket.
const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
const httpPort = await freePort();
const wsPort = await freePort();

// The app, under the inspector on a loopback port the kernel picks.
const main = join(import.meta.dirname, "..", "dist", "main.js");
const child = spawn(
  process.execPath,
  [
    "--inspect=127.0.0.1:0",
    main,
    "--http.port",
    String(httpPort),
    "--grpc.port",
    "0",
    "--ws.port",
    String(wsPort),
    "--exam.heartbeat",
    "1s",
  ],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: opt["log-level"] } },
);
const inspectorUrl = await new Promise((resolve, reject) => {
  let err = "";
  child.stderr.on("data", (c) => {
    err += c;
    const m = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(err);
    if (m) resolve(m[0]);
  });
  child.once("exit", () => reject(new Error(`exited before the inspector opened\n${err}`)));
});
let out = "";
child.stdout.on("data", (c) => {
  out = (out + c).slice(-100_000);
});

// Chrome DevTools Protocol over the inspector's WebSocket.
const cdp = new WebSocket(inspectorUrl, { maxPayload: 2 ** 30 });
await new Promise((r, j) => cdp.once("open", r).once("error", j));
let seq = 0;
const pending = new Map();
let chunkSink;
cdp.on("message", (raw) => {
  const msg = JSON.parse(String(raw));
  if (msg.id !== undefined) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
    else p.resolve(msg.result);
  } else if (msg.method === "HeapProfiler.addHeapSnapshotChunk") chunkSink?.write(msg.params.chunk);
});
const call = (method, params = {}) =>
  new Promise((resolve, reject) => {
    const id = ++seq;
    pending.set(id, { resolve, reject });
    cdp.send(JSON.stringify({ id, method, params }));
  });
const evaluate = async (expression) => (await call("Runtime.evaluate", { expression, returnByValue: true })).result.value;
await call("Runtime.runIfWaitingForDebugger");

// Wait until it serves.
for (let i = 0; ; i++) {
  const ok = await fetch(`http://127.0.0.1:${httpPort}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  if (i === 100) throw new Error(`the app never listened\n${out}`);
  await sleep(200);
}

async function measure(label) {
  await call("HeapProfiler.collectGarbage");
  await call("HeapProfiler.collectGarbage");
  const m = await evaluate("process.memoryUsage()");
  const handles = await evaluate("process._getActiveHandles().length");
  // V8's memory outside the JS heap: its own malloc (compiler zones and the like) and generated code.
  const v8 = await evaluate(
    `(() => { const v8 = process.getBuiltinModule("v8"); const h = v8.getHeapStatistics(); const c = v8.getHeapCodeStatistics();
      return { malloced: h.malloced_memory, peakMalloced: h.peak_malloced_memory, code: c.code_and_metadata_size + c.bytecode_and_metadata_size }; })()`,
  );
  const file = join(opt.out, `${label}.heapsnapshot`);
  if (opt.snapshots) {
    chunkSink = createWriteStream(file);
    await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    await new Promise((r) => chunkSink.end(r));
  }
  const row = {
    label,
    rss: mib(m.rss),
    heapUsed: mib(m.heapUsed),
    heapTotal: mib(m.heapTotal),
    external: mib(m.external),
    arrayBuffers: mib(m.arrayBuffers),
    v8Malloced: mib(v8.malloced),
    v8PeakMalloced: mib(v8.peakMalloced),
    code: mib(v8.code),
    handles,
  };
  console.log(JSON.stringify(row));
  return { row, file };
}

// Warm up every path once, so baseline already holds what a first call loads (code, caches, pools).
async function warm() {
  for (let i = 0; i < 50; i++) await fetch(`http://127.0.0.1:${httpPort}/exam/two`).then((r) => r.arrayBuffer());
  const s = new WebSocket(`ws://127.0.0.1:${wsPort}/ws`);
  await new Promise((r) => s.once("open", r));
  for (let i = 0; i < 50; i++) s.send(JSON.stringify({ id: i, route: "two", data: {} }));
  await new Promise((r) => {
    let got = 0;
    s.on("message", () => ++got === 50 && r());
  });
  s.close();
  await sleep(500);
}

let peakRss = 0;
async function load() {
  // Held HTTP keep-alive connections, one request each, then idle (the server's keepAliveTimeout closes them).
  const held = [];
  for (let i = 0; i < n("http"); i++) {
    const s = connect(httpPort, "127.0.0.1");
    s.on("error", () => {});
    s.on("data", () => {});
    s.write(`GET /exam/two HTTP/1.1\r\nHost: t\r\nX-Request-Id: held-${i}\r\n\r\n`);
    held.push(s);
  }
  // Held WebSocket connections, one frame each.
  const socks = [];
  for (let i = 0; i < n("ws"); i++) {
    const s = new WebSocket(`ws://127.0.0.1:${wsPort}/ws`);
    s.on("error", () => {});
    socks.push(
      new Promise((r) => {
        s.once("open", () => {
          s.send(JSON.stringify({ id: 0, route: "two", data: {} }));
          r(s);
        });
        s.once("error", () => r(undefined));
      }),
    );
  }
  const open = (await Promise.all(socks)).filter(Boolean);
  const heldRss = await evaluate("process.memoryUsage().rss");
  peakRss = Math.max(peakRss, heldRss);
  // The flood: each flooder sends its frames as fast as the socket takes them and waits for every answer.
  const floods = [];
  for (let f = 0; f < n("flooders"); f++) {
    floods.push(
      new Promise((resolve) => {
        const s = new WebSocket(`ws://127.0.0.1:${wsPort}/ws`);
        let got = 0;
        s.on("error", () => resolve(got));
        s.on("close", () => resolve(got));
        s.on("message", () => {
          if (++got === n("frames")) s.close();
        });
        s.once("open", () => {
          const pad = "x".repeat(n("payload"));
          for (let i = 0; i < n("frames"); i++) s.send(JSON.stringify({ id: i, route: "two", data: { i, pad } }));
        });
      }),
    );
  }
  const poll = setInterval(
    () =>
      evaluate("process.memoryUsage().rss").then(
        (r) => (peakRss = Math.max(peakRss, r ?? 0)),
        () => {},
      ),
    250,
  );
  const answered = await Promise.all(floods);
  clearInterval(poll);
  peakRss = Math.max(peakRss, await evaluate("process.memoryUsage().rss"));
  console.log(
    JSON.stringify({
      held: { http: held.length, ws: open.length, rss: mib(heldRss) },
      flood: { frames: answered.reduce((a, b) => a + b, 0) },
      peakRss: mib(peakRss),
    }),
  );
  for (const s of open) s.close();
  for (const s of held) s.destroy();
  await sleep(2000);
}

// Live objects per constructor in a snapshot (V8's node types "object" and "closure").
async function census(file) {
  const snap = JSON.parse(await readFile(file, "utf8"));
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [ti, ni, si] = [f.indexOf("type"), f.indexOf("name"), f.indexOf("self_size")];
  const counts = new Map();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + ti]];
    if (type !== "object" && type !== "closure") continue;
    const name = `${type === "closure" ? "ƒ " : ""}${snap.strings[snap.nodes[i + ni]]}`;
    const c = counts.get(name) ?? { count: 0, size: 0 };
    c.count++;
    c.size += snap.nodes[i + si];
    counts.set(name, c);
  }
  return counts;
}

function diff(a, b, top = 15) {
  const rows = [];
  for (const [name, c] of b) {
    const was = a.get(name) ?? { count: 0, size: 0 };
    if (c.count !== was.count) rows.push({ name, before: was.count, after: c.count, delta: c.count - was.count });
  }
  for (const [name, was] of a) if (!b.has(name)) rows.push({ name, before: was.count, after: 0, delta: -was.count });
  rows.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
  return rows.slice(0, top);
}

await warm();
const base = await measure("0-baseline");
const after = [];
for (let r = 1; r <= n("rounds"); r++) {
  await load();
  after.push(await measure(`${r}-after-close`));
}
await sleep(10_000); // keep-alive timeouts, heartbeats, pending closes: all over by now
const settled = await measure(`${n("rounds")}-settled`);

const a = opt.snapshots ? await census(base.file) : undefined;
for (const m of a === undefined ? [] : [...after, settled]) {
  console.log(`\nlive objects by constructor, baseline → ${m.row.label} (largest changes):`);
  console.table(diff(a, await census(m.file)));
}
child.kill("SIGTERM");
cdp.close();
