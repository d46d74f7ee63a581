import { createServer } from "node:net";
import { Writable } from "node:stream";
import { type App, type Context, createApp, filters, WegoError } from "@wego/core";
import { invoke } from "@wego/core/testing";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { entityManager, mysqlOrmKey } from "./entity-manager.js";
import { type MysqlProvider, mysqlProvider } from "./mysql-provider.js";
import { boot } from "./test/boot.js";
import { countOf, createTestDatabase, type TestDatabase } from "./test/test-database.js";
import { User, UserRepo } from "./test/user.entity.js";

/** A port nothing listens on: bind an ephemeral one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const silent = { logger: false as const, config: { argv: [], env: {} } };

describe("mysqlProvider (real MariaDB)", () => {
  let db: TestDatabase;
  const apps: App[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const start = async (setup: (app: App, mysql: MysqlProvider) => void = () => {}, options = {}, appOptions = {}) => {
    const booted = await boot(db.url, setup, options, { ...silent, ...appOptions });
    apps.push(booted.app);
    return booted;
  };

  it("fails the start with WEGO_ERR_MYSQL_CONNECT naming host, port and database, never the password", async () => {
    const port = await closedPort();
    const app = createApp(silent);
    app.provider(mysqlProvider({ url: `mysql://root:s3cret@127.0.0.1:${port}/shop`, entities: [User] }));
    const err = (await app.start({ servers: [] }).catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.reason).toBe("WEGO_ERR_MYSQL_CONNECT");
    expect(err.code).toBe("unavailable");
    expect(err.rawMessage).toContain(`127.0.0.1:${port}`);
    expect(err.rawMessage).toContain('database "shop"');
    expect(err.rawMessage).toContain("ECONNREFUSED");
    expect(err.rawMessage).not.toContain("s3cret");
    expect(app.state).toBe("stopped");
  });

  it("fails the start clearly when the database does not exist", async () => {
    const app = createApp(silent);
    app.provider(mysqlProvider({ host: "127.0.0.1", database: `${db.name}_missing`, entities: [User] }));
    const err = (await app.start({ servers: [] }).catch((e: unknown) => e)) as WegoError;
    expect(err.reason).toBe("WEGO_ERR_MYSQL_CONNECT");
    expect(err.rawMessage).toContain(`database "${db.name}_missing"`);
    expect(err.rawMessage).toContain("Unknown database");
  });

  it("stores the ORM on the app, adds a readiness check, and closes the pool on stop", async () => {
    const { app, mysql } = await start();
    const orm = mysql.orm;
    expect(app.get(mysqlOrmKey)).toBe(orm);
    expect(await app.readiness()).toMatchObject({ ready: true, checks: { mysql: { ok: true } } });
    expect(mysql.target).toEqual({ host: "127.0.0.1", port: 3306, user: "root", password: "", database: db.name });

    const connections = () => countOf(db.admin, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?", [db.name]);
    expect(await connections()).toBeGreaterThan(0);
    await app.stop();
    expect(await orm.isConnected()).toBe(false);
    expect(app.get(mysqlOrmKey)).toBeUndefined();
    expect(() => mysql.orm).toThrow(expect.objectContaining({ reason: "WEGO_ERR_MYSQL_NOT_STARTED" }));
    // The server sees the connections go (asynchronously).
    for (let i = 0; i < 50 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await connections()).toBe(0);
  });

  it("reads config (env / file / flags) with code options winning", async () => {
    const app = createApp({
      logger: false,
      config: { argv: [], env: { WEGO_MYSQL_URL: `mysql://root@127.0.0.1:3306/not_this_one`, WEGO_MYSQL_POOL_MAX: "3" } },
    });
    const mysql = mysqlProvider({ database: db.name, entities: [User] });
    app.provider(mysql);
    apps.push(app);
    await app.start({ servers: [] });
    expect(mysql.target?.database).toBe(db.name);
    expect(mysql.orm.config.get("pool")).toMatchObject({ max: 3 });
  });

  it("refuses to run a scoped handler before the app started", async () => {
    const app = createApp(silent);
    const mysql = mysqlProvider({ url: db.url, entities: [User] });
    app.provider(mysql);
    app.handler(
      "count",
      filters.chain(mysql.scope(), async (ctx: Context) => new UserRepo(ctx).count()),
    );
    const err = (await invoke(app, "count").catch((e: unknown) => e)) as WegoError;
    expect(err.reason).toBe("WEGO_ERR_MYSQL_NOT_STARTED");
  });

  it("logs SQL and slow queries through the invocation's ctx.log", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const { app } = await start(
      (a, mysql) => {
        a.handler(
          "count",
          filters.chain(
            mysql.scope(),
            filters.comm(async (ctx: Context) => {
              ctx.response("n", await new UserRepo(ctx).count({ email: "secret@example.com" }));
            }),
          ),
        );
      },
      { debug: ["query"], slowQueryMs: 0 },
      { logger },
    );
    lines.length = 0;
    await invoke(app, "count", undefined, { id: "req-42" });
    const mine = lines.filter((l) => l.reqId === "req-42");
    const query = mine.find((l) => l.msg === "query");
    expect(query).toMatchObject({ level: 20, route: "count", transport: "memory" });
    expect(String(query?.sql)).toMatch(/count\(/i);
    // `["query"]` without "query-params": placeholders, not values.
    expect(String(query?.sql)).not.toContain("secret@example.com");
    const slow = mine.find((l) => String(l.msg).startsWith("slow query"));
    expect(slow).toMatchObject({ level: 40 });
    expect(typeof slow?.tookMs).toBe("number");
  });

  it("with abortQueries, a passed deadline cancels the query on the server", async () => {
    const { app } = await start(
      (a, mysql) => {
        a.handler(
          "sleep",
          filters.chain(
            mysql.scope(),
            filters.comm(async (ctx: Context) => {
              await entityManager(ctx).execute("SELECT SLEEP(5) AS wego_sleep");
            }),
          ),
        );
      },
      { abortQueries: "cancel query" },
    );
    const t0 = Date.now();
    const err = (await invoke(app, "sleep", undefined, { deadline: Date.now() + 300 }).catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("deadline_exceeded");
    expect(Date.now() - t0).toBeLessThan(2000);
    const running = () =>
      countOf(db.admin, "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(5) AS wego_sleep%'");
    for (let i = 0; i < 50 && (await running()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await running()).toBe(0);
  });
});
