// findOne by primary key: through a wego handler (Context, response filter,
// mysql.scope(), a forked EntityManager, `new UserRepo(ctx).fetchId(id)`,
// run by the app as a router would) against the same MikroORM call bare
// (`orm.em.fork().findOne(User, id)`), and raw mysql2 as the floor; one
// process, one run, cases interleaved.
//   pnpm build && taskset -c 0 node bench/mysql/find-one.bench.ts
// Env: ROUNDS (3), SECONDS (3 per case and round), CONCURRENCY (8).

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { defineEntity, MikroORM, p } from "@mikro-orm/mysql";
import { type Context, createApp, filters } from "@wego/core";
import { mysqlProvider, Repository } from "@wego/mysql";
import { createPool } from "mysql2/promise";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const ROWS = 1000;
const dbName = `wego_bench_${process.pid}`;
const conn = { host: "127.0.0.1", port: 3306, user: "root", password: "" };

const UserSchema = defineEntity({
  name: "User",
  properties: {
    id: p.integer().primary().autoincrement(),
    email: p.string().unique(),
    name: p.string(),
  },
});
class User extends UserSchema.class {}
UserSchema.setClass(User);

class UserRepo extends Repository<User> {
  readonly entity = User;
}

// --- setup: a database of its own, 1000 users ---------------------------------
const bare = await MikroORM.init({ entities: [User], ...conn, dbName, pool: { max: CONCURRENCY } });
await bare.schema.ensureDatabase();
let cleaned = false;
const cleanup = async () => {
  if (cleaned) return;
  cleaned = true;
  await bare.schema.dropDatabase(dbName).catch(() => {});
  await bare.close();
};
process.on("uncaughtException", (err) => {
  console.error(err);
  cleanup().finally(() => process.exit(1));
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  cleanup().finally(() => process.exit(1));
});
await bare.schema.create();
await bare.em.fork().insertMany(
  User,
  Array.from({ length: ROWS }, (_, i) => ({ email: `u${i}@example.com`, name: `user ${i}` })),
);

const app = createApp({ logger: false, config: { env: {}, argv: [] } });
const mysql = mysqlProvider({ ...conn, database: dbName, entities: [User], pool: { max: CONCURRENCY } });
app.provider(mysql);
app.handler(
  "user.get",
  filters.chain(
    filters.response(),
    mysql.scope(),
    filters.comm(async (ctx: Context) => {
      const user = await new UserRepo(ctx).fetchId((ctx.request as { id: number }).id);
      ctx.response("user", user);
    }),
  ),
);
await app.start({ servers: [] });

// The raw floor: the same SELECT on a mysql2 pool of the same size.
const raw = createPool({ ...conn, database: dbName, connectionLimit: CONCURRENCY });

let seq = 0;
const nextId = () => (seq++ % ROWS) + 1;

interface Case {
  name: string;
  op(id: number): Promise<unknown>;
}
const cases: Case[] = [
  {
    name: "wego handler: scope + UserRepo(ctx).fetchId",
    op: (id) => app.invoke("user.get", { transport: "bench", request: { id } }),
  },
  { name: "bare MikroORM: em.fork().findOne(User, id)", op: (id) => bare.em.fork().findOne(User, id) },
  { name: "raw mysql2: pool.query(SELECT … WHERE id = ?)", op: (id) => raw.query("select * from `user` where `id` = ? limit 1", [id]) },
];

// --- measurement ---------------------------------------------------------------
function cpuMicros(pid: number | "self"): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  return (ticks / 100) * 1e6; // USER_HZ = 100
}
let dbPid: number | undefined;
try {
  dbPid = Number(execFileSync("pidof", ["mariadbd"], { encoding: "utf8" }).trim().split(" ")[0]) || undefined;
} catch {}

interface Sample {
  ops: number;
  secs: number;
  p99: number;
  cpuPerOp: number;
  dbCpuPerOp: number;
}

async function measure(c: Case, seconds: number): Promise<Sample> {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const cpu0 = cpuMicros("self");
  const db0 = dbPid ? cpuMicros(dbPid) : 0;
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const s = performance.now();
      await c.op(nextId());
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuMicros("self") - cpu0;
  const dbCpu = dbPid ? cpuMicros(dbPid) - db0 : Number.NaN;
  lat.sort((a, b) => a - b);
  return {
    ops: lat.length,
    secs,
    p99: lat[Math.floor(lat.length * 0.99)] ?? 0,
    cpuPerOp: cpu / lat.length,
    dbCpuPerOp: dbCpu / lat.length,
  };
}

const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
for (const c of cases) await measure(c, 1); // warm-up: JIT, pools filled
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[(i + r) % cases.length] as Case;
    results.get(c.name)?.push(await measure(c, SECONDS));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rows = cases.map((c) => {
  const s = results.get(c.name) ?? [];
  return {
    name: c.name,
    opsPerSec: median(s.map((x) => x.ops / x.secs)),
    p99: median(s.map((x) => x.p99)),
    cpu: median(s.map((x) => x.cpuPerOp)),
    dbCpu: median(s.map((x) => x.dbCpuPerOp)),
    perRound: s.map((x) => x.ops / x.secs),
  };
});
const bareRow = rows[1];
console.log(`node ${process.version}, ${ROUNDS} rounds × ${SECONDS} s per case, concurrency ${CONCURRENCY}, pool ${CONCURRENCY}\n`);
console.log("| case | ops/s (median) | × bare | p99 ms | node CPU µs/op | mariadbd CPU µs/op |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const ratio = bareRow ? (r.opsPerSec / bareRow.opsPerSec).toFixed(2) : "";
  console.log(`| ${r.name} | ${r.opsPerSec.toFixed(0)} | ${ratio} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(1)} | ${r.dbCpu.toFixed(1)} |`);
}
console.log("\nper round ops/s:", rows.map((r) => `${r.name.split(":")[0]} ${r.perRound.map((x) => x.toFixed(0)).join("/")}`).join("; "));

await app.stop();
await raw.end();
await cleanup();
