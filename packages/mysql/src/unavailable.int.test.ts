import { type Context, filters, WegoError } from "@wego/core";
import { invoke } from "@wego/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityManager } from "./entity-manager.js";
import { type Booted, boot } from "./test/boot.js";
import { TcpProxy } from "./test/tcp-proxy.js";
import { createTestDatabase, type TestDatabase } from "./test/test-database.js";
import { UserRepo } from "./test/user.entity.js";

describe("database unreachable (real MariaDB behind a TCP proxy)", () => {
  let db: TestDatabase;
  let booted: Booted;
  const proxy = new TcpProxy();
  let sleeping: (id: number) => void = () => {};

  beforeAll(async () => {
    db = await createTestDatabase();
    await proxy.start();
    booted = await boot(`mysql://root@127.0.0.1:${proxy.port}/${db.name}`, (app, mysql) => {
      app.handler(
        "user.count",
        filters.chain(
          filters.response(),
          mysql.scope(),
          filters.comm(async (ctx: Context) => {
            ctx.response("n", await new UserRepo(ctx).count());
          }),
        ),
      );
      // Reports its connection id, then sleeps on that connection (inside a
      // transaction, so both statements share one connection).
      app.handler(
        "sleep",
        filters.chain(
          filters.response(),
          mysql.transactional(),
          filters.comm(async (ctx: Context) => {
            const em = entityManager(ctx);
            const [row] = await em.execute<Array<{ id: number }>>("SELECT CONNECTION_ID() AS id");
            sleeping(Number(row?.id));
            await em.execute("SELECT SLEEP(10)");
          }),
        ),
      );
    });
  });

  afterAll(async () => {
    await booted?.app.stop();
    await proxy.stop();
    await db?.drop();
  });

  it("gives unavailable while the server is unreachable, and works again on the next call after it returns", async () => {
    expect(await invoke(booted.app, "user.count")).toEqual({ n: 0 });

    await proxy.stop();
    for (let i = 0; i < 2; i++) {
      const err = (await invoke(booted.app, "user.count").catch((e: unknown) => e)) as WegoError;
      expect(err).toBeInstanceOf(WegoError);
      expect(err.code).toBe("unavailable");
      expect(err.rawMessage).toBe("database unavailable");
    }
    const down = await booted.app.readiness();
    expect(down.checks.mysql?.ok).toBe(false);

    await proxy.start();
    expect(await invoke(booted.app, "user.count")).toEqual({ n: 0 });
    expect((await booted.app.readiness()).checks.mysql).toEqual({ ok: true });
  });

  it("a connection killed mid-query gives unavailable, and the next call works", async () => {
    const id = new Promise<number>((resolve) => {
      sleeping = resolve;
    });
    const call = invoke(booted.app, "sleep").catch((e: unknown) => e);
    await db.admin.query(`KILL ${await id}`);
    const err = (await call) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("unavailable");
    expect(await invoke(booted.app, "user.count")).toEqual({ n: 0 });
  });
});
