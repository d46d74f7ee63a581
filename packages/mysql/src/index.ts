/**
 * @module @wego/mysql — MySQL / MariaDB through MikroORM: a provider, an
 * EntityManager forked per invocation, repositories that take the context,
 * transactions, migrations as handlers, and database errors as WegoErrors.
 */
export { mysqlError } from "./code-map.js";
export type { ConnectionFields, ResolvedConnection } from "./connection-options.js";
export { type Database, entityManager, entityManagerKey, mysqlOrmKey } from "./entity-manager.js";
export {
  type MigrateCreateInput,
  type MigrateDownInput,
  type MigrateUpInput,
  type MigrationHandlerOptions,
  registerMigrationHandlers,
} from "./migrations.js";
export { type MysqlReason, mysqlReasons } from "./mysql-errors.js";
export { type MysqlOptions, type MysqlProvider, mysqlProvider } from "./mysql-provider.js";
export { OrmPinoLogger } from "./orm-logger.js";
export { Repository } from "./repository.js";
export { transactional } from "./transactional.js";
