import { type Context, filters, WegoError } from "@wego/core";
import { invoke } from "@wego/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityManager } from "./entity-manager.js";
import { type Booted, boot } from "./test/boot.js";
import { countOf, createTestDatabase, type TestDatabase } from "./test/test-database.js";
import { UserRepo } from "./test/user.entity.js";
import { transactional } from "./transactional.js";

type Input = { tag: string; fail?: "wego" | "plain" | "string" };

/** Two users written and flushed, then an optional failure. */
async function writeTwo(ctx: Context): Promise<void> {
  const { tag, fail } = ctx.request as Input;
  const repo = new UserRepo(ctx);
  repo.create({ email: `${tag}-1@example.com`, name: tag });
  await repo.flush();
  repo.create({ email: `${tag}-2@example.com`, name: tag });
  await repo.flush();
  if (fail === "wego") throw new WegoError("failed_precondition", "business rule");
  if (fail === "plain") throw new Error("bug");
  // A non-Error throw must roll back too.
  if (fail === "string") throw "thrown string";
  ctx.response("ok", true);
}

describe("transactions (real MariaDB)", () => {
  let db: TestDatabase;
  let booted: Booted;

  const rowsTagged = (tag: string) => countOf(db.admin, `SELECT COUNT(*) FROM \`${db.name}\`.\`user\` WHERE name = ?`, [tag]);

  beforeAll(async () => {
    db = await createTestDatabase();
    booted = await boot(db.url, (app, mysql) => {
      app.handler("tx.filter", filters.chain(filters.response(), mysql.transactional(), filters.comm(writeTwo)));
      app.handler(
        "tx.helper",
        filters.chain(
          filters.response(),
          mysql.scope(),
          filters.comm(async (ctx: Context) => {
            const outer = entityManager(ctx);
            await transactional(ctx, async (em) => {
              // Inside, the context's EntityManager is the transaction's.
              expect(entityManager(ctx)).toBe(em);
              expect(em).not.toBe(outer);
              await writeTwo(ctx);
            });
            expect(entityManager(ctx)).toBe(outer);
          }),
        ),
      );
      // Holds a row lock from another connection, so this one waits and gives up after 1 s.
      app.handler(
        "tx.lockWait",
        filters.chain(
          filters.response(),
          mysql.transactional(),
          filters.comm(async (ctx: Context) => {
            const em = entityManager(ctx);
            await em.execute("SET SESSION innodb_lock_wait_timeout = 1");
            await em.execute(`UPDATE \`user\` SET name = 'waited' WHERE email = 'locked@example.com'`);
          }),
        ),
      );
    });
  });

  afterAll(async () => {
    await booted?.app.stop();
    await db?.drop();
  });

  it("the transactional filter commits on success", async () => {
    expect(await invoke(booted.app, "tx.filter", { tag: "commit" })).toEqual({ ok: true });
    expect(await rowsTagged("commit")).toBe(2);
  });

  it.each([
    ["a WegoError", "wego", "failed_precondition"],
    ["a plain Error", "plain", "internal"],
    ["a thrown string", "string", "internal"],
  ] as const)("the transactional filter rolls back on %s: no rows are left", async (_, fail, code) => {
    const tag = `filter-${fail}`;
    const err = (await invoke(booted.app, "tx.filter", { tag, fail }).catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe(code);
    expect(await rowsTagged(tag)).toBe(0);
  });

  it("the transactional() helper commits, and rolls back on a thrown error", async () => {
    await invoke(booted.app, "tx.helper", { tag: "helper-ok" });
    expect(await rowsTagged("helper-ok")).toBe(2);
    const err = await invoke(booted.app, "tx.helper", { tag: "helper-fail", fail: "plain" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "internal", rawMessage: "bug" });
    expect(await rowsTagged("helper-fail")).toBe(0);
  });

  it("a lock wait timeout is aborted (retryable)", async () => {
    await invoke(booted.app, "tx.filter", { tag: "lock" });
    await db.admin.query(`UPDATE \`${db.name}\`.\`user\` SET email = 'locked@example.com' WHERE email = 'lock-1@example.com'`);
    await db.admin.query("START TRANSACTION");
    try {
      await db.admin.query(`SELECT * FROM \`${db.name}\`.\`user\` WHERE email = 'locked@example.com' FOR UPDATE`);
      const err = (await invoke(booted.app, "tx.lockWait").catch((e: unknown) => e)) as WegoError;
      expect(err).toBeInstanceOf(WegoError);
      expect(err.code).toBe("aborted");
      expect(err.rawMessage).toBe("lock wait timeout; retry");
    } finally {
      await db.admin.query("ROLLBACK");
    }
  });
});
