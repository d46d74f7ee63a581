// wego's cache (JSON copies, byte budget, async API) against bare lru-cache,
// set+get pairs on 100k keys with room for all (no eviction), as in
// perf-anchors.md (lru-cache 11: 13.8M ops/s there). One process, one run,
// cases interleaved. ops = set + get, 2 per pair.
//   pnpm -F @wego/core build && taskset -c 0 node bench/core/cache.bench.ts
import { createCache } from "@wego/core";
import { LRUCache } from "lru-cache";
import { fmt, type MicroCase } from "../lib/micro.ts";
import { ratio, runRounds, spread } from "./rounds.ts";

const N = 100_000;
const keys = Array.from({ length: N }, (_, i) => `user:${i}`);
const text = "a short cached string value";
const object = { id: 42, name: "ann", roles: ["admin", "ops"], active: true };

const lruText = new LRUCache<string, string>({ max: N });
const lruObject = new LRUCache<string, object>({ max: N });
const lruJson = new LRUCache<string, string>({ max: N });
const wegoText = createCache({ maxBytes: 256 * 1024 * 1024 });
const wegoObject = createCache({ maxBytes: 256 * 1024 * 1024 });
for (const k of keys) {
  lruText.set(k, text);
  lruObject.set(k, object);
  lruJson.set(k, JSON.stringify(object));
  await wegoText.set(k, text);
  await wegoObject.set(k, object);
}

let sink = 0;
// Two indices kept in int range (a counter times 7919 would overflow to doubles and slow every case down over time).
let a = 0;
let b = 0;
const step = (): void => {
  a = a + 1 === N ? 0 : a + 1;
  b = b + 7919 >= N ? b + 7919 - N : b + 7919;
};
const only = new RegExp(process.env.CASES ?? ".");
const cases: MicroCase[] = [
  {
    name: "lru-cache: string value",
    run(n) {
      for (let j = 0; j < n; j++, step()) {
        lruText.set(keys[a] as string, text);
        sink += (lruText.get(keys[b] as string) as string).length;
      }
    },
  },
  {
    name: "wego cache: string value (await set, await get)",
    async run(n) {
      for (let j = 0; j < n; j++, step()) {
        await wegoText.set(keys[a] as string, text);
        sink += ((await wegoText.get<string>(keys[b] as string)) as string).length;
      }
    },
  },
  {
    name: "lru-cache: object by reference (no copy)",
    run(n) {
      for (let j = 0; j < n; j++, step()) {
        lruObject.set(keys[a] as string, object);
        sink += (lruObject.get(keys[b] as string) as { id: number }).id;
      }
    },
  },
  {
    name: "lru-cache + JSON.stringify/parse by hand",
    run(n) {
      for (let j = 0; j < n; j++, step()) {
        lruJson.set(keys[a] as string, JSON.stringify(object));
        sink += (JSON.parse(lruJson.get(keys[b] as string) as string) as { id: number }).id;
      }
    },
  },
  {
    name: "wego cache: object (JSON copies, await set, await get)",
    async run(n) {
      for (let j = 0; j < n; j++, step()) {
        await wegoObject.set(keys[a] as string, object);
        sink += ((await wegoObject.get<{ id: number }>(keys[b] as string)) as { id: number }).id;
      }
    },
  },
];
const results = await runRounds(cases.filter((c) => only.test(c.name)));

// set+get pairs → ops (2 per pair)
const byName = (name: string) => results.find((r) => r.name === name);
console.log(`node ${process.version}, ${N.toLocaleString("en")} keys, ${results[0]?.runs.length} rounds, sink ${sink > 0}\n`);
console.log("| case | ops/s (set+get = 2), median | × lru-cache, same value kind (median of per-round ratios) | ops/s range over rounds |");
console.log("| --- | ---: | ---: | --- |");
for (const r of results) {
  const ref = byName(r.name.includes("string") ? "lru-cache: string value" : "lru-cache: object by reference (no copy)");
  const x = ref === undefined ? "–" : ratio(r, ref).toFixed(2);
  console.log(
    `| ${r.name} | ${fmt(r.opsPerSec * 2)} | ${x} | ${spread(
      r.runs.map((v) => v * 2),
      fmt,
    )} |`,
  );
}
