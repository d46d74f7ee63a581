// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function
// and by where the code lives (GC, node internals, connect, protobuf-es,
// grpc-js, wego…), to see where a server's time per call goes.
//   node bench/grpc/profile.ts <file.cpuprofile> [top=25]
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const [file, top = "25"] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const idleIds = new Set(prof.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
const all = [...self.values()].reduce((a, b) => a + b, 0);
// Percentages are of busy time: idle is the process waiting for the network.
const total = [...self].reduce((a, [id, t]) => a + (idleIds.has(id) ? 0 : t), 0);

function area(n: Node): string {
  const { functionName: f, url } = n.callFrame;
  if (f === "(garbage collector)") return "GC";
  if (f === "(idle)" || f === "(program)") return f;
  if (url.includes("@connectrpc")) return "connect";
  if (url.includes("@bufbuild/protobuf")) return "protobuf-es";
  if (url.includes("@grpc/grpc-js")) return "grpc-js";
  if (url.includes("/packages/") || url.includes("@wego")) return "wego";
  if (url.startsWith("node:") || url === "") return "node internals / native";
  return "other";
}

const fnTime = new Map<string, number>();
const areaTime = new Map<string, number>();
for (const [id, t] of self) {
  if (idleIds.has(id)) continue;
  const n = byId.get(id)!;
  const key = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
  fnTime.set(key, (fnTime.get(key) ?? 0) + t);
  const a = area(n);
  areaTime.set(a, (areaTime.get(a) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)} %`;
console.log(`sampled ${(all / 1e6).toFixed(2)} s, busy ${(total / 1e6).toFixed(2)} s (percentages are of busy time)`);
console.log("\nby area (self time):");
for (const [a, t] of [...areaTime].sort((x, y) => y[1] - x[1])) console.log(`  ${pct(t).padStart(7)}  ${a}`);
console.log(`\ntop ${top} functions (self time):`);
for (const [f, t] of [...fnTime].sort((x, y) => y[1] - x[1]).slice(0, Number(top))) console.log(`  ${pct(t).padStart(7)}  ${f}`);
