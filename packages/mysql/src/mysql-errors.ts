import type { Code } from "@wego/core";
import { defineErrors } from "@wego/core/transport";

/**
 * Misuse and start-up errors of @wego/mysql, each with a stable reason
 * documented in docs/errors.md (package column `mysql`).
 */
export const mysqlReasons = {
  WEGO_ERR_MYSQL_CONNECT: { code: "unavailable", message: "cannot connect to MySQL at %s: %s" },
  WEGO_ERR_MYSQL_OPTIONS: { code: "invalid_argument", message: "mysql options: %s" },
  WEGO_ERR_MYSQL_NOT_STARTED: { code: "failed_precondition", message: "the mysql provider is not started (%s)" },
  WEGO_ERR_MYSQL_NO_SCOPE: {
    code: "failed_precondition",
    message:
      'no database on the invocation of handler "%s": wrap the handler with mysql.scope() or mysql.transactional(), or pass the app: entityManager(ctx, app)',
  },
} as const satisfies Record<string, { code: Code; message: string }>;

export type MysqlReason = keyof typeof mysqlReasons;

/** Build the error `reason`, filling `%s` in order with `args`. */
export const mysqlFrameworkError = defineErrors(mysqlReasons);
