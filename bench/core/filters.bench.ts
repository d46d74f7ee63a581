// Per-call cost of each built-in filter, in nanoseconds: every case runs one
// filter around the same trivial endpoint through the app (a fresh Context
// per call, `app.run`), and the bare endpoint's time in the same round is
// subtracted. One process, one run, cases interleaved in short rounds.
//   pnpm -F @wego/core build && taskset -c 0 node bench/core/filters.bench.ts
import { Writable } from "node:stream";
import { createApp, createMemoryLimiterStore, type Endpoint, type Filter, filters, type LimiterStore } from "@wego/core";
import { generateKeyPair, SignJWT } from "jose";
import { pino } from "pino";
import { z } from "zod";
import { fmt } from "../lib/micro.ts";
import { addedNs, runRounds, spread } from "./rounds.ts";

const quiet = createApp({ logger: false, config: { env: {}, argv: [] } });
// A logger at info that throws its lines away: the cost of building and writing them, not of the disk.
const devNull = new Writable({ write: (_chunk, _enc, cb) => cb() });
const logging = createApp({ logger: pino({ level: "info" }, devNull), config: { env: {}, argv: [] } });

const secret = "0123456789abcdef0123456789abcdef-bench-secret";
const exp = Math.floor(Date.now() / 1000) + 3600;
const hsToken = await new SignJWT({ sub: "u1", exp }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
const es = await generateKeyPair("ES256");
const esToken = await new SignJWT({ sub: "u1", exp }).setProtectedHeader({ alg: "ES256" }).sign(es.privateKey);
const rs = await generateKeyPair("RS256");
const rsToken = await new SignJWT({ sub: "u1", exp }).setProtectedHeader({ alg: "RS256" }).sign(rs.privateKey);

// The memory store without its synchronous fast path: what a shared store (Redis) costs minus the network.
const mem = createMemoryLimiterStore();
const asyncStore: LimiterStore = { hit: (k, l, w) => mem.hit(k, l, w) };

const schema = z.object({ name: z.string(), age: z.number().int() });
const endpoint: Endpoint = async () => 1;

const cases: Array<[string, Filter | undefined, typeof quiet, Record<string, string>?]> = [
  ["bare endpoint (baseline)", undefined, quiet],
  ["response()", filters.response(), quiet],
  ["rateLimit() in memory, allowed (~1k hits in window)", filters.rateLimit({ limit: 1_000_000, windowMs: 1 }), quiet],
  ["rateLimit({ store }) async store, allowed", filters.rateLimit({ limit: 1_000_000, windowMs: 1, store: asyncStore }), quiet],
  ["timeout(1000)", filters.timeout(1000), quiet],
  ["validate(zod object)", filters.validate(schema), quiet],
  ["bulkhead({ maxConcurrent: 64 })", filters.bulkhead({ maxConcurrent: 64 }), quiet],
  ["circuitBreaker()", filters.circuitBreaker(), quiet],
  ["metrics()", filters.metrics(), quiet],
  ["tracing() (no SDK registered)", filters.tracing(), quiet],
  ["accessLog() level off", filters.accessLog(), quiet],
  ["accessLog() writing JSON lines", filters.accessLog(), logging],
  [
    "jwt HS256, token seen before (verified-token cache)",
    filters.jwt({ algorithms: ["HS256"], secret }),
    quiet,
    { authorization: `Bearer ${hsToken}` },
  ],
  [
    "jwt HS256, full verify (cacheSize 0)",
    filters.jwt({ algorithms: ["HS256"], secret, cacheSize: 0 }),
    quiet,
    { authorization: `Bearer ${hsToken}` },
  ],
  [
    "jwt ES256, full verify",
    filters.jwt({ algorithms: ["ES256"], publicKey: es.publicKey, cacheSize: 0 }),
    quiet,
    { authorization: `Bearer ${esToken}` },
  ],
  [
    "jwt RS256, full verify",
    filters.jwt({ algorithms: ["RS256"], publicKey: rs.publicKey, cacheSize: 0 }),
    quiet,
    { authorization: `Bearer ${rsToken}` },
  ],
];

const request = { name: "ann", age: 42 };
const results = await runRounds(
  cases.map(([name, filter, app, meta]) => {
    const ep = filter === undefined ? endpoint : filters.chain(filter, endpoint);
    const init = { transport: "bench", route: "r", handler: "r", id: "bench-id", request, ...(meta ? { meta } : {}) };
    return {
      name,
      async run(n: number) {
        for (let i = 0; i < n; i++) await app.invoke(ep, init);
      },
    };
  }),
);

const base = results[0] as (typeof results)[number];
console.log(
  `node ${process.version}; ${base.runs.length} rounds; baseline ${(1e9 / base.opsPerSec).toFixed(0)} ns per invocation (context + app.run + endpoint)\n`,
);
console.log("| filter | calls/s, median | ns added per call (median of per-round differences) | calls/s range over rounds |");
console.log("| --- | ---: | ---: | --- |");
for (const r of results) {
  console.log(`| ${r.name} | ${fmt(r.opsPerSec)} | ${r === base ? "–" : addedNs(r, base).toFixed(0)} | ${spread(r.runs, fmt)} |`);
}
