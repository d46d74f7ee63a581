import { Migrator } from "@mikro-orm/migrations";
import {
  type EntityClass,
  type EntitySchema,
  type InflightQueryAbortStrategy,
  type LoggerNamespace,
  type MigrationsOptions,
  MikroORM,
  type Options,
  type TransactionOptions,
} from "@mikro-orm/mysql";
import type { App, Filter, Provider } from "@wego/core";
import { type ConnectionFields, describeConnection, type ResolvedConnection, resolveConnection } from "./connection-options.js";
import { createDatabase, type Database, databaseKey, mysqlOrmKey } from "./entity-manager.js";
import { mysqlFrameworkError } from "./mysql-errors.js";
import { OrmPinoLogger } from "./orm-logger.js";
import { scopeFilter, transactionalFilter } from "./transactional.js";

export interface MysqlOptions extends ConnectionFields {
  /** Entity classes or schemas (`defineEntity`), as MikroORM's `entities`. */
  entities: ReadonlyArray<EntityClass<object> | EntitySchema>;
  /** Pool bounds; config `mysql.pool.max` / `.min` / `.idleTimeoutMs`. Default max 10 (mysql2's). */
  pool?: { min?: number; max?: number; idleTimeoutMs?: number };
  /** TCP connect timeout in ms; config `mysql.connectTimeoutMs`. Default 10 000. */
  connectTimeoutMs?: number;
  /** Give up on the readiness check after this many ms; default 2 000. */
  checkTimeoutMs?: number;
  /**
   * Log SQL at pino's `debug` level through the invocation's `ctx.log`:
   * `true` (with parameter values), or MikroORM namespaces such as
   * `["query"]` (placeholders only). Config `mysql.debug`. Default off.
   */
  debug?: boolean | LoggerNamespace[];
  /** Log queries slower than this (ms) at `warn`, whatever `debug` says. Config `mysql.slowQueryMs`. Default off. */
  slowQueryMs?: number;
  /**
   * When the invocation is aborted (deadline, client gone, shutdown), stop
   * its queries: `"cancel query"` (`KILL QUERY`), `"kill session"` or
   * `"ignore query"` (reject at once, let the server finish). Default off:
   * queries run to completion and no signal is created per invocation.
   */
  abortQueries?: InflightQueryAbortStrategy | false;
  /** MikroORM migrator settings (`path`, `tableName`, `emit`…); `path` default `./migrations`. */
  migrations?: MigrationsOptions;
  /** Config section to read; default `mysql`. */
  configPrefix?: string;
  /** Name of the readiness check; default `mysql`. */
  checkName?: string;
  /** Anything else for `MikroORM.init`, applied last. */
  orm?: Partial<Options>;
}

/** The provider, plus the filters that scope a handler to this database. */
export interface MysqlProvider extends Provider {
  /** The ORM; throws `WEGO_ERR_MYSQL_NOT_STARTED` before the app starts or after it stops. */
  readonly orm: MikroORM;
  /** Where it connects (never the password); known once the app started. */
  readonly target: ResolvedConnection | undefined;
  /** Filter: the wrapped handler's invocations get this database (lazily forked EntityManager); database errors map to WegoErrors. */
  scope(): Filter;
  /** Filter: scope, and run the wrapped handler in one transaction: commit on success, rollback on any error. */
  transactional(options?: TransactionOptions): Filter;
  /** `select 1` over the pool; rejects when the database is unreachable. */
  ping(): Promise<void>;
}

/**
 * MySQL / MariaDB through MikroORM. On `register` it reads the options
 * (code over config `mysql.*`), initialises the ORM, checks the connection
 * (failing the start with `WEGO_ERR_MYSQL_CONNECT`, naming host and
 * database), stores the ORM on the app under {@link mysqlOrmKey} and adds the
 * `mysql` readiness check. On `shutdown` it closes the pool.
 *
 * ```ts
 * const mysql = mysqlProvider({ url: "mysql://root@127.0.0.1:3306/shop", entities: [User] });
 * app.provider(mysql);
 * app.handler("user.get", filters.chain(filters.response(), mysql.scope(), filters.comm(getUser)));
 * ```
 */
export function mysqlProvider(options: MysqlOptions): MysqlProvider {
  let database: Database | undefined;
  let target: ResolvedConnection | undefined;
  let checkTimeoutMs = options.checkTimeoutMs ?? 2000;

  const current = (): Database => {
    if (database === undefined)
      throw mysqlFrameworkError("WEGO_ERR_MYSQL_NOT_STARTED", "start the app before invoking handlers that use it");
    return database;
  };

  const ping = async (): Promise<void> => {
    const orm = current().orm;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
    });
    try {
      await Promise.race([orm.em.getConnection().execute("select 1"), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get orm() {
      return current().orm;
    },
    get target() {
      return target;
    },
    scope: () => scopeFilter(current),
    transactional: (txOptions) => transactionalFilter(current, txOptions),
    ping,

    async register(app: App) {
      const prefix = options.configPrefix ?? "mysql";
      const cfg = app.config;
      const conn = resolveConnection(options, cfg, prefix);
      target = conn;
      if (!options.entities || options.entities.length === 0) {
        throw mysqlFrameworkError("WEGO_ERR_MYSQL_OPTIONS", "`entities` is empty");
      }
      const pool = {
        min: options.pool?.min ?? cfg.get(`${prefix}.pool.min`, 0),
        max: options.pool?.max ?? cfg.get(`${prefix}.pool.max`, 10),
        ...idle(
          options.pool?.idleTimeoutMs ?? (cfg.has(`${prefix}.pool.idleTimeoutMs`) ? cfg.get(`${prefix}.pool.idleTimeoutMs`, 0) : undefined),
        ),
      };
      const debug = options.debug ?? cfg.get(`${prefix}.debug`, false);
      const slowQueryMs = options.slowQueryMs ?? (cfg.has(`${prefix}.slowQueryMs`) ? cfg.get(`${prefix}.slowQueryMs`, 0) : undefined);
      checkTimeoutMs = options.checkTimeoutMs ?? cfg.get(`${prefix}.checkTimeoutMs`, 2000);
      const migrations = options.migrations ?? {};
      const migrationsPath = migrations.path ?? "./migrations";

      const orm = await MikroORM.init({
        entities: [...options.entities],
        host: conn.host,
        port: conn.port,
        user: conn.user,
        password: conn.password,
        dbName: conn.database,
        pool,
        driverOptions: { connectTimeout: options.connectTimeoutMs ?? cfg.get(`${prefix}.connectTimeoutMs`, 10_000) },
        debug,
        // A missing database is a deployment error to report, not to paper over.
        ensureDatabase: false,
        ...(slowQueryMs === undefined ? {} : { slowQueryThreshold: slowQueryMs }),
        loggerFactory: (o) => new OrmPinoLogger(app.log, o),
        extensions: [Migrator],
        // Migration files are found in one place whether the app runs from TS or from a build.
        migrations: { ...migrations, path: migrationsPath, pathTs: migrations.pathTs ?? migrationsPath },
        ...options.orm,
      });
      const abort = options.abortQueries || undefined;
      database = createDatabase(orm, debug !== false || slowQueryMs !== undefined, abort);
      app.set(mysqlOrmKey, orm);
      app.set(databaseKey, database);

      try {
        await orm.em.getConnection().execute("select 1");
      } catch (err) {
        database = undefined;
        await orm.close(true).catch(() => {});
        const e = mysqlFrameworkError("WEGO_ERR_MYSQL_CONNECT", describeConnection(conn), (err as Error)?.message ?? String(err));
        (e as { cause?: unknown }).cause = err;
        throw e;
      }
      app.check(options.checkName ?? "mysql", ping);
      app.log.debug({ mysql: describeConnection(conn) }, "mysql connected");
    },

    async shutdown(app: App) {
      const db = database;
      if (db === undefined) return;
      database = undefined;
      app.set(mysqlOrmKey, undefined);
      app.set(databaseKey, undefined);
      await db.orm.close();
    },
  };
}

function idle(ms: number | undefined): { idleTimeoutMillis?: number } {
  return ms === undefined ? {} : { idleTimeoutMillis: ms };
}
