import type { EntityManager, InflightQueryAbortStrategy, MikroORM } from "@mikro-orm/mysql";
import { type App, type Context, createContextKey } from "@wego/core";
import { mysqlFrameworkError } from "./mysql-errors.js";
import { loggerContextKey } from "./orm-logger.js";

/** The app-wide MikroORM instance, set by `mysqlProvider` when it registers: `app.get(mysqlOrmKey)`. */
export const mysqlOrmKey = createContextKey<MikroORM | undefined>("wego.mysql.orm");

/**
 * The invocation's EntityManager (a fork of the app's, with its own identity
 * map), set on the Context on first use by {@link entityManager}; inside
 * {@link transactional} it is the transaction's.
 */
export const entityManagerKey = createContextKey<EntityManager | undefined>("wego.mysql.em");

/** How to fork per invocation; decided once, when the provider registers. */
export interface Database {
  readonly orm: MikroORM;
  /** A fresh EntityManager for this invocation. */
  fork(ctx: Context): EntityManager;
}

/** @internal Which database an invocation uses: set on the app by the provider, on the context by its filters. */
export const databaseKey = createContextKey<Database | undefined>("wego.mysql.database");

/** Fork settings for a database: `logQueries` ties SQL logs to `ctx.log`, `abort` ties queries to `ctx.signal`. */
export function createDatabase(orm: MikroORM, logQueries: boolean, abort: InflightQueryAbortStrategy | undefined): Database {
  let fork: (ctx: Context) => EntityManager;
  if (abort !== undefined) {
    fork = (ctx) =>
      orm.em.fork({
        signal: ctx.signal,
        inflightQueryAbortStrategy: abort,
        ...(logQueries ? { loggerContext: { [loggerContextKey]: ctx } } : {}),
      });
  } else if (logQueries) {
    fork = (ctx) => orm.em.fork({ loggerContext: { [loggerContextKey]: ctx } });
  } else {
    // The common production case: no per-call options object, nothing touched on ctx.
    fork = () => orm.em.fork();
  }
  return { orm, fork };
}

/**
 * The EntityManager of this invocation: forked from the app's on first use
 * and cached on the Context, so every invocation (whatever transport called)
 * has its own identity map and unit of work, and every repository built on
 * the same `ctx` shares it.
 *
 * The database comes from the context (set by `mysql.scope()` /
 * `mysql.transactional()`) or, failing that, from `app`. Without either it
 * throws `WEGO_ERR_MYSQL_NO_SCOPE`.
 */
export function entityManager(ctx: Context, app?: App): EntityManager {
  const em = ctx.get(entityManagerKey);
  if (em !== undefined) return em;
  const db = ctx.get(databaseKey) ?? app?.get(databaseKey);
  if (db === undefined) throw mysqlFrameworkError("WEGO_ERR_MYSQL_NO_SCOPE", ctx.handler);
  const fork = db.fork(ctx);
  ctx.set(entityManagerKey, fork);
  return fork;
}
