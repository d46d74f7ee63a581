import type { EntityManager, TransactionOptions } from "@mikro-orm/mysql";
import type { Context, Endpoint, Filter } from "@wego/core";
import { mysqlError, rethrowMysqlError } from "./code-map.js";
import { type Database, databaseKey, entityManager, entityManagerKey } from "./entity-manager.js";

/**
 * Run `fn` in a transaction on this invocation's EntityManager: MikroORM
 * flushes and commits when `fn` resolves, and rolls back when it throws
 * (anything: a WegoError, a bug, a lost connection). While `fn` runs, the
 * context's EntityManager is the transaction's, so repositories built on
 * `ctx` inside it take part in the transaction. Nested calls use savepoints.
 * Database errors leave as WegoErrors (see `mysqlError`).
 */
export function transactional<T>(ctx: Context, fn: (em: EntityManager) => Promise<T>, options?: TransactionOptions): Promise<T> {
  let outer: EntityManager;
  try {
    outer = entityManager(ctx);
  } catch (err) {
    return Promise.reject(err);
  }
  return outer
    .transactional(async (em) => {
      ctx.set(entityManagerKey, em);
      try {
        return await fn(em);
      } finally {
        ctx.set(entityManagerKey, outer);
      }
    }, options)
    .then(undefined, rethrowMysqlError);
}

/**
 * The filter that puts a database on every invocation of the handler it
 * wraps (`entityManager(ctx)` and repositories then find it) and maps
 * database errors escaping the handler to WegoErrors. Forking is lazy: an
 * invocation that never queries pays one `ctx.set`.
 */
export function scopeFilter(database: () => Database): Filter {
  return (next: Endpoint) =>
    function mysqlScope(ctx) {
      try {
        ctx.set(databaseKey, database());
        return next(ctx).then(undefined, rethrowMysqlError);
      } catch (err) {
        return Promise.reject(mysqlError(err));
      }
    };
}

/**
 * The filter that runs the handler it wraps in one transaction: commit on
 * success, rollback on any error. It also scopes the database, so it can be
 * used alone.
 */
export function transactionalFilter(database: () => Database, options?: TransactionOptions): Filter {
  return (next: Endpoint) =>
    function mysqlTransactional(ctx) {
      try {
        if (!ctx.has(databaseKey)) ctx.set(databaseKey, database());
      } catch (err) {
        return Promise.reject(err);
      }
      return transactional(ctx, () => next(ctx), options);
    };
}
