import { type Context, filters, WegoError } from "@wego/core";
import { invoke, invokeEnvelope } from "@wego/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityManager } from "./entity-manager.js";
import { type Booted, boot } from "./test/boot.js";
import { createTestDatabase, type TestDatabase } from "./test/test-database.js";
import { User, UserRepo } from "./test/user.entity.js";

type UserInput = { id?: number; email?: string; name?: string };
const input = (ctx: Context) => ctx.request as UserInput;
const view = (u: User) => ({ id: u.id, email: u.email, name: u.name });

describe("Repository through handlers (real MariaDB)", () => {
  let db: TestDatabase;
  let booted: Booted;
  /** What each invocation of `probe` saw, for the isolation test. */
  const probes: Array<{ em: object; user: User; nameSeen: string; own: string; mapSize: number }> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    booted = await boot(db.url, (app, mysql) => {
      const h = (svc: (ctx: Context) => Promise<void>) => filters.chain(filters.response(), mysql.scope(), filters.comm(svc));
      app.handler(
        "user.create",
        h(async (ctx) => {
          const { email = "", name = "" } = input(ctx);
          const repo = new UserRepo(ctx);
          const user = repo.create({ email, name });
          await repo.flush();
          ctx.response("user", view(user));
        }),
      );
      app.handler(
        "user.get",
        h(async (ctx) => {
          ctx.response("user", view(await new UserRepo(ctx).fetchId(Number(input(ctx).id))));
        }),
      );
      app.handler(
        "user.rename",
        h(async (ctx) => {
          const { id, name = "" } = input(ctx);
          const repo = new UserRepo(ctx);
          const user = await repo.fetchId(Number(id));
          user.name = name;
          await repo.flush();
          ctx.response("user", view(user));
        }),
      );
      app.handler(
        "user.delete",
        h(async (ctx) => {
          const repo = new UserRepo(ctx);
          await repo.remove(await repo.fetchId(Number(input(ctx).id))).flush();
          ctx.response("deleted", true);
        }),
      );
      app.handler(
        "user.list",
        h(async (ctx) => {
          const repo = new UserRepo(ctx);
          const users = await repo.find({}, { orderBy: { id: "asc" } });
          ctx.response("users", users.map(view));
          ctx.response("count", await repo.count());
          ctx.response("byEmail", (await repo.byEmail(users[0]?.email ?? ""))?.id ?? null);
        }),
      );
      // Loads user `id`, renames it in memory (never flushed), yields to the
      // other invocations with a query, then reads the name back.
      app.handler(
        "probe",
        h(async (ctx) => {
          const { id, name = "" } = input(ctx);
          const repo = new UserRepo(ctx);
          const user = await repo.fetchId(Number(id));
          user.name = name;
          await repo.count();
          const again = await repo.findOne({ id: Number(id) });
          probes.push({
            em: repo.em,
            user,
            nameSeen: again?.name ?? "",
            own: name,
            mapSize: repo.em.getUnitOfWork().getIdentityMap().values().length,
          });
        }),
      );
      // No filter: the helper finds the database on the app.
      app.handler(
        "unscoped.withApp",
        filters.create(async (ctx: Context) => {
          ctx.response("n", await entityManager(ctx, app).count(User));
        }),
      );
      app.handler(
        "unscoped",
        filters.create(async (ctx: Context) => {
          await new UserRepo(ctx).count();
        }),
      );
    });
  });

  afterAll(async () => {
    await booted?.app.stop();
    await db?.drop();
  });

  it("creates, reads, updates, lists and deletes through handlers", async () => {
    const created = (await invoke(booted.app, "user.create", { email: "ada@example.com", name: "Ada" })) as { user: User };
    expect(created.user).toMatchObject({ email: "ada@example.com", name: "Ada" });
    expect(created.user.id).toBeGreaterThan(0);
    const id = created.user.id;

    // The row is really in the database, written by another connection's view.
    const [rows] = await db.admin.query(`SELECT email, name FROM \`${db.name}\`.\`user\` WHERE id = ?`, [id]);
    expect(rows).toEqual([{ email: "ada@example.com", name: "Ada" }]);

    expect(await invoke(booted.app, "user.get", { id })).toEqual({ user: { id, email: "ada@example.com", name: "Ada" } });
    expect(await invoke(booted.app, "user.rename", { id, name: "Ada L." })).toEqual({
      user: { id, email: "ada@example.com", name: "Ada L." },
    });
    expect(await invoke(booted.app, "user.get", { id })).toMatchObject({ user: { name: "Ada L." } });

    await invoke(booted.app, "user.create", { email: "bob@example.com", name: "Bob" });
    const list = (await invoke(booted.app, "user.list")) as { users: User[]; count: number; byEmail: number };
    expect(list.users.map((u) => u.email)).toEqual(["ada@example.com", "bob@example.com"]);
    expect(list.count).toBe(2);
    expect(list.byEmail).toBe(id);

    expect(await invoke(booted.app, "user.delete", { id })).toEqual({ deleted: true });
    const missing = await invoke(booted.app, "user.get", { id }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(WegoError);
    expect(missing).toMatchObject({ code: "not_found", rawMessage: `User ${id} not found` });
  });

  it("50 concurrent invocations never share an identity map", async () => {
    const created = (await invoke(booted.app, "user.create", { email: "shared@example.com", name: "original" })) as {
      user: User;
    };
    const id = created.user.id;
    probes.length = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => invoke(booted.app, "probe", { id, name: `name-${i}` })));

    expect(probes).toHaveLength(50);
    expect(new Set(probes.map((p) => p.em)).size).toBe(50);
    expect(new Set(probes.map((p) => p.user)).size).toBe(50);
    for (const p of probes) {
      // Each saw only its own unflushed rename: no other invocation's entity leaked in.
      expect(p.nameSeen).toBe(p.own);
      expect(p.user.name).toBe(p.own);
      expect(p.mapSize).toBe(1);
    }
    // Nothing was flushed.
    expect(await invoke(booted.app, "user.get", { id })).toMatchObject({ user: { name: "original" } });
  });

  it("a duplicate key is already_exists, naming the key but not the value", async () => {
    await invoke(booted.app, "user.create", { email: "dup@example.com", name: "One" });
    const err = (await invoke(booted.app, "user.create", { email: "dup@example.com", name: "Two" }).catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("already_exists");
    expect(err.details).toEqual({ key: "user_email_unique" });
    expect(err.rawMessage).not.toContain("dup@example.com");

    const envelope = await invokeEnvelope(booted.app, "user.create", { email: "dup@example.com", name: "Three" });
    expect(envelope).toMatchObject({ code: "already_exists", data: null });
  });

  it("without a scope: entityManager(ctx, app) finds the database, a bare repository fails clearly", async () => {
    expect(await invoke(booted.app, "unscoped.withApp")).toMatchObject({ n: expect.any(Number) });
    const err = (await invoke(booted.app, "unscoped").catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("failed_precondition");
    expect(err.reason).toBe("WEGO_ERR_MYSQL_NO_SCOPE");
    expect(err.rawMessage).toContain('"unscoped"');
  });
});
