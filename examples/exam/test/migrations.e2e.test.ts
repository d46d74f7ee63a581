// The example's migrations as a user runs them, each command its own process
// of the built dist/main.js, on a database of this suite's own:
// - the shipped migrations are discovered from dist/migrations (compiled by the build);
// - no process migrates unless told to, and a command never does (migrate:down stays reverted);
// - migrate:create writes a TypeScript migration into the source folder, the build compiles
//   it, and migrate:list / up / down then see it.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, mainJs, runCommand, startExam } from "./exam-process.js";

const mysqlUrl = process.env.WEGO_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const exam = join(import.meta.dirname, "..");
const shipped = ["Migration20191030000000_create_user", "Migration20191030000001_seed_user"];
const suffix = randomBytes(4).toString("hex");
const databases = { shipped: `exam_mig_${suffix}`, created: `exam_mig_new_${suffix}` };
// Inside the example, so a generated migration's `import "@mikro-orm/migrations"` resolves as in src/.
const scratch = join(exam, `.migrations-e2e-${suffix}`);

let admin: Connection;

interface Listed {
  executed: Array<{ name: string }>;
  pending: string[];
}

/** Run one command; its envelope's data (failing on anything but exit 0). */
async function command<T>(env: NodeJS.ProcessEnv, ...args: string[]): Promise<T> {
  const res = await runCommand(["run", ...args], env);
  if (res.code !== 0) throw new Error(`${args.join(" ")} exited ${res.code}\n${res.stdout}\n${res.stderr}`);
  return (JSON.parse(res.stdout) as { data: T }).data;
}

async function list(env: NodeJS.ProcessEnv): Promise<{ executed: string[]; pending: string[] }> {
  const l = await command<Listed>(env, "migrate:list");
  return { executed: l.executed.map((m) => m.name), pending: l.pending };
}

async function tables(database: string): Promise<string[]> {
  const [rows] = await admin.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [database]);
  return (rows as Array<{ t: string }>).map((r) => r.t);
}

beforeAll(async () => {
  admin = await createConnection(mysqlUrl);
  for (const db of Object.values(databases)) await admin.query(`create database \`${db}\``);
});

afterAll(async () => {
  for (const db of Object.values(databases)) await admin?.query(`drop database if exists \`${db}\``);
  await admin?.end();
  await rm(scratch, { recursive: true, force: true });
});

describe("the example's migrations, one story: create, build, list, up, down", () => {
  // Auto-migration switched on in the environment: a server would apply, a command must not.
  const env = childEnv({ WEGO_MYSQL_URL: `${mysqlUrl}/${databases.shipped}`, WEGO_EXAM_REDIS: "false", WEGO_EXAM_MIGRATE: "true" });

  it("ships its migrations as files, compiled into dist/migrations beside dist/main.js", async () => {
    expect(existsSync(mainJs)).toBe(true);
    expect((await readdir(join(exam, "src", "migrations"))).sort()).toEqual(shipped.map((n) => `${n}.ts`));
    expect((await readdir(join(exam, "dist", "migrations"))).filter((f) => f.endsWith(".js")).sort()).toEqual(
      shipped.map((n) => `${n}.js`),
    );
    expect(await readFile(mainJs, "utf8")).not.toContain("create table `exam_user`"); // not bundled
  });

  it("a command never migrates on its own, whatever exam.migrate says: list shows both pending", async () => {
    expect(await list(env)).toEqual({ executed: [], pending: shipped });
    expect(await tables(databases.shipped)).toEqual(["mikro_orm_migrations"]);
  });

  it("migrate:up applies them; migrate:down reverts the last; the next command leaves it reverted", async () => {
    expect(await command(env, "migrate:up")).toEqual({ applied: shipped });
    expect(await tables(databases.shipped)).toEqual(["exam_user", "mikro_orm_migrations"]);
    expect(await command(env, "migrate:down")).toEqual({ reverted: [shipped[1]] });
    // Before the fix every start, commands included, applied what was pending: this list re-applied it.
    expect(await list(env)).toEqual({ executed: [shipped[0]], pending: [shipped[1]] });
    expect(await list(env)).toEqual({ executed: [shipped[0]], pending: [shipped[1]] });
    const [rows] = await admin.query(`select count(*) as n from \`${databases.shipped}\`.exam_user`);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(0);
  });

  it("a server applies pending migrations at start only with exam.migrate=true", async () => {
    const off = await startExam(["--server", "http", "--http.port", "0"], { ...env, WEGO_EXAM_MIGRATE: "false" });
    off.exam.kill("SIGTERM");
    await off.exam.exited;
    expect(off.exam.lines.find((l) => l.msg === "migrations applied")).toBeUndefined();
    expect((await list(env)).pending).toEqual([shipped[1]]);

    const on = await startExam(["--server", "http", "--http.port", "0"], env);
    on.exam.kill("SIGTERM");
    await on.exam.exited;
    expect(on.exam.lines.find((l) => l.msg === "migrations applied")?.applied).toEqual([shipped[1]]);
    expect(await list(env)).toEqual({ executed: shipped, pending: [] });
  });

  it("migrate:create writes a TypeScript migration into the source folder; once built, list, up and down see it", async () => {
    const src = join(scratch, "src");
    const dist = join(scratch, "dist");
    await mkdir(src, { recursive: true });
    await mkdir(dist, { recursive: true });
    // The same app with its two folders moved aside, on an empty database.
    const moved = {
      ...env,
      WEGO_MYSQL_URL: `${mysqlUrl}/${databases.created}`,
      WEGO_EXAM_MIGRATIONS_PATH: dist,
      WEGO_EXAM_MIGRATIONS_PATH_TS: src,
    };

    const created = await command<{ created: boolean; fileName: string; up: string[] }>(moved, "migrate:create", "--name", "users");
    expect(created.created).toBe(true);
    expect(created.fileName).toMatch(/^Migration\d{14}_users\.ts$/);
    expect(created.up.join("\n")).toContain("create table `exam_user`");
    expect(await readdir(src)).toEqual([created.fileName]);
    const name = created.fileName.replace(/\.ts$/, "");

    // The app loads compiled migrations: not built yet, not there.
    expect(await list(moved)).toEqual({ executed: [], pending: [] });
    // What `pnpm build` does for src/migrations (tsup.config.ts): one .js per migration.
    const tsup = join(exam, "..", "..", "node_modules", ".bin", "tsup");
    execFileSync(tsup, [join(src, created.fileName), "--format", "esm", "--target", "node22", "--out-dir", dist, "--no-config"], {
      cwd: exam,
      stdio: "ignore",
    });
    expect(await readdir(dist)).toEqual([`${name}.js`]);

    expect(await list(moved)).toEqual({ executed: [], pending: [name] });
    expect(await command(moved, "migrate:up")).toEqual({ applied: [name] });
    expect(await tables(databases.created)).toEqual(["exam_user", "mikro_orm_migrations"]);
    expect(await list(moved)).toEqual({ executed: [name], pending: [] });
    expect(await command(moved, "migrate:down")).toEqual({ reverted: [name] });
    expect(await tables(databases.created)).toEqual(["mikro_orm_migrations"]);
    expect(await list(moved)).toEqual({ executed: [], pending: [name] });
  });
});
