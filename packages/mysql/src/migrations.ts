import type { MigrateOptions, MikroORM } from "@mikro-orm/mysql";
import { type App, type Context, type Endpoint, WegoError } from "@wego/core";
import { mysqlError } from "./code-map.js";
import { mysqlOrmKey } from "./entity-manager.js";
import { mysqlFrameworkError } from "./mysql-errors.js";

export interface MigrationHandlerOptions {
  /** Handler name prefix; default `migrate` (`migrate:up`, `migrate:down`, `migrate:create`, `migrate:list`). */
  prefix?: string;
}

/** `migrate:up` input: run pending migrations, all by default. */
export interface MigrateUpInput {
  /** Stop after this migration (name). */
  to?: string;
  /** Only these migrations (names). */
  only?: string[];
}

/** `migrate:down` input: revert executed migrations, the last one by default. */
export interface MigrateDownInput {
  /** How many to revert, newest first; default 1. */
  step?: number;
  /** Revert down to (and excluding) this migration; `0` reverts all. */
  to?: string | number;
}

/** `migrate:create` input: a migration from the diff between entities and the schema. */
export interface MigrateCreateInput {
  /** Suffix of the class and file name. */
  name?: string;
  /** An empty migration to fill by hand. */
  blank?: boolean;
  /** The initial migration (whole schema); marked executed when the tables already exist. */
  initial?: boolean;
}

/**
 * Register MikroORM's migrator as handlers, so a CLI router (`@wego/cli`)
 * can route them: `migrate:up`, `migrate:down`, `migrate:create` and
 * `migrate:list`. They use the ORM of `mysqlProvider` (`app.get(mysqlOrmKey)`),
 * so the app must have the provider; migration files live in the provider's
 * `migrations.path`. Inputs are read from `ctx.request` and accept strings for
 * numbers and booleans (as argv gives them).
 */
export function registerMigrationHandlers(app: App, options: MigrationHandlerOptions = {}): App {
  const prefix = options.prefix ?? "migrate";
  const run =
    <T>(fn: (orm: MikroORM, input: Record<string, unknown>) => Promise<T>): Endpoint<T> =>
    async (ctx: Context) => {
      const orm = app.get(mysqlOrmKey);
      if (orm === undefined) throw mysqlFrameworkError("WEGO_ERR_MYSQL_NOT_STARTED", `handler "${ctx.handler}" needs mysqlProvider`);
      const input = ctx.request !== null && typeof ctx.request === "object" ? (ctx.request as Record<string, unknown>) : {};
      try {
        return await fn(orm, input);
      } catch (err) {
        throw mysqlError(err);
      }
    };

  app.handler(
    `${prefix}:up`,
    run(async (orm, input) => {
      const opts: MigrateOptions = {};
      const to = str(input.to, "to");
      if (to !== undefined) opts.to = to;
      const only = list(input.only, "only");
      if (only !== undefined) opts.migrations = only;
      const done = await orm.migrator.up(opts);
      return { applied: done.map((m) => m.name) };
    }),
  );

  app.handler(
    `${prefix}:down`,
    run(async (orm, input) => {
      const to = input.to === undefined ? undefined : input.to === 0 || input.to === "0" ? 0 : str(input.to, "to");
      if (to !== undefined) return { reverted: (await orm.migrator.down({ to })).map((m) => m.name) };
      const step = int(input.step, "step") ?? 1;
      const executed = await orm.migrator.getExecuted();
      const names = executed
        .slice(-step)
        .reverse()
        .map((m) => m.name);
      if (names.length === 0) return { reverted: [] };
      return { reverted: (await orm.migrator.down({ migrations: names })).map((m) => m.name) };
    }),
  );

  app.handler(
    `${prefix}:create`,
    run(async (orm, input) => {
      const name = str(input.name, "name");
      const result = await orm.migrator.create(undefined, bool(input.blank), bool(input.initial), name);
      return { created: result.fileName !== "", fileName: result.fileName, up: result.diff.up, down: result.diff.down };
    }),
  );

  app.handler(
    `${prefix}:list`,
    run(async (orm) => {
      // One after the other: on a database that never migrated, each would create the migrations table at once
      // and the second fail with "Table 'mikro_orm_migrations' already exists".
      const executed = await orm.migrator.getExecuted();
      const pending = await orm.migrator.getPending();
      return {
        executed: executed.map((m) => ({ name: m.name, executedAt: m.executed_at })),
        pending: pending.map((m) => m.name),
      };
    }),
  );
  return app;
}

function bad(field: string, expected: string): WegoError {
  return new WegoError("invalid_argument", `"${field}" must be ${expected}`, { details: [{ field }] });
}

function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw bad(field, "a string");
}

function int(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw bad(field, "a positive integer");
  return n;
}

function bool(v: unknown): boolean {
  return v === true || v === "true" || v === "1" || v === "";
}

function list(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string") return v.split(",").map((s) => s.trim());
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  throw bad(field, "a list of migration names");
}
