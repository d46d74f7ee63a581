// Preloaded into a server by latency.mjs (`node --import ./gc-watch.mjs server.mjs`): records every
// GC pause (perf_hooks "gc" entries, wall-clock start and duration) and, asked over the IPC channel
// `{ gcWindows: [[fromMs, toMs], …] }` (ms since the epoch), answers the pauses that began in those windows:
// `{ gc: { count, totalMs, maxMs, p99Ms, byKind } }`. The observer costs the same in every server.
import { constants, PerformanceObserver, performance } from "node:perf_hooks";

const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
// Flat ring of [start, duration, kind] triples: no object kept per pause.
const CAP = 1 << 16;
const log = new Float64Array(CAP * 3);
let n = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const i = (n++ % CAP) * 3;
    log[i] = performance.timeOrigin + e.startTime;
    log[i + 1] = e.duration;
    log[i + 2] = e.detail?.kind ?? 0;
  }
}).observe({ entryTypes: ["gc"] });

process.on("message", (m) => {
  if (m === null || typeof m !== "object" || !Array.isArray(m.gcWindows)) return;
  const inside = (t) => m.gcWindows.some(([from, to]) => t >= from && t < to);
  const pauses = [];
  const byKind = {};
  for (let k = Math.max(0, n - CAP); k < n; k++) {
    const i = (k % CAP) * 3;
    if (!inside(log[i])) continue;
    pauses.push(log[i + 1]);
    const kind = kinds[log[i + 2]] ?? String(log[i + 2]);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  pauses.sort((a, b) => a - b);
  const totalMs = pauses.reduce((s, x) => s + x, 0);
  process.send?.({
    gc: {
      count: pauses.length,
      totalMs,
      maxMs: pauses.at(-1) ?? 0,
      p99Ms: pauses[Math.min(pauses.length - 1, Math.floor(pauses.length * 0.99))] ?? 0,
      byKind,
    },
  });
});
