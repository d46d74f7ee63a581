import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type App, createApp, type WegoError } from "@wego/core";
import { invoke } from "@wego/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerMigrationHandlers } from "./migrations.js";
import { mysqlProvider } from "./mysql-provider.js";
import { adminConnection, createTestDatabase, MYSQL_HOST, MYSQL_PORT, type TestDatabase } from "./test/test-database.js";
import { User } from "./test/user.entity.js";

describe("migrations as handlers (real MariaDB)", () => {
  let db: TestDatabase;
  let dir: string;
  let app: App;

  const tables = async (): Promise<string[]> => {
    const [rows] = await db.admin.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [
      db.name,
    ]);
    return (rows as Array<{ t: string }>).map((r) => r.t);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // Inside the package, as in an app: the generated TypeScript imports @mikro-orm/migrations.
    dir = await mkdtemp(join(import.meta.dirname, "..", ".migrations-"));
    app = createApp({ logger: false, config: { argv: [], env: {} } });
    app.provider(mysqlProvider({ url: db.url, entities: [User], migrations: { path: dir } }));
    registerMigrationHandlers(app);
    await app.start({ servers: [] });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("registers migrate:up, migrate:down, migrate:create and migrate:list", () => {
    expect(app.handlers()).toEqual(expect.arrayContaining(["migrate:up", "migrate:down", "migrate:create", "migrate:list"]));
  });

  it("creates a migration from the entities, applies it, and reverts it", async () => {
    const created = (await invoke(app, "migrate:create", { name: "users" })) as { created: boolean; fileName: string; up: string[] };
    expect(created.created).toBe(true);
    expect(created.fileName).toMatch(/users\.ts$/);
    expect(existsSync(join(dir, created.fileName))).toBe(true);
    expect(created.up.join("\n")).toMatch(/create table `user`/);

    const migrationName = created.fileName.replace(/\.ts$/, "");
    expect(await invoke(app, "migrate:list")).toEqual({ executed: [], pending: [migrationName] });
    expect(await tables()).not.toContain("user");

    expect(await invoke(app, "migrate:up")).toEqual({ applied: [migrationName] });
    expect(await tables()).toContain("user");
    const listed = (await invoke(app, "migrate:list")) as { executed: Array<{ name: string }>; pending: string[] };
    expect(listed.executed.map((m) => m.name)).toEqual([migrationName]);
    expect(listed.pending).toEqual([]);

    // Nothing changed since: no new migration.
    expect(await invoke(app, "migrate:create", {})).toMatchObject({ created: false });
    expect(await readdir(dir)).toHaveLength(2); // the migration and its schema snapshot

    expect(await invoke(app, "migrate:down", { step: "1" })).toEqual({ reverted: [migrationName] });
    expect(await tables()).not.toContain("user");
    expect(await invoke(app, "migrate:down")).toEqual({ reverted: [] });
  });

  it("rejects bad input as invalid_argument", async () => {
    const err = (await invoke(app, "migrate:down", { step: "many" }).catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("invalid_argument");
    expect(err.details).toEqual([{ field: "step" }]);
  });
});

describe("migrate:list as the first command on a new database (real MariaDB)", () => {
  it("answers, rather than racing itself to create the migrations table", async () => {
    // Each round: a database that doesn't exist yet (MikroORM creates it), and migrate:list as the
    // very first thing. Reading executed and pending at once failed ~40% of rounds with
    // "Table 'mikro_orm_migrations' already exists"; eight rounds let that through ~2% of runs.
    const admin = await adminConnection();
    const dir = await mkdtemp(join(import.meta.dirname, "..", ".migrations-"));
    try {
      for (let round = 0; round < 8; round++) {
        const name = `wego_test_${randomBytes(4).toString("hex")}`;
        const app = createApp({ logger: false, config: { argv: [], env: {} } });
        const url = `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/${name}`;
        app.provider(mysqlProvider({ url, entities: [User], migrations: { path: dir }, orm: { ensureDatabase: true } }));
        registerMigrationHandlers(app);
        try {
          await app.start({ servers: [] });
          expect(await invoke(app, "migrate:list")).toEqual({ executed: [], pending: [] });
        } finally {
          await app.stop();
          await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        }
      }
    } finally {
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
