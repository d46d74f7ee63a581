import {
  CheckConstraintViolationException,
  ConnectionException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotFoundError,
  NotNullConstraintViolationException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from "@mikro-orm/mysql";
import { isCode, WegoError } from "@wego/core";

/**
 * Node socket and mysql2 protocol codes that mean "the server can't be
 * reached or the connection died": retrying later (or elsewhere) can work.
 */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
]);

/**
 * Server error numbers with the same meaning: too many connections (1040),
 * server shutting down (1053), connection killed (MariaDB 1927), and the
 * client-side "server has gone away" / "lost connection" (2006, 2013).
 */
const unavailableErrnos = new Set([1040, 1053, 1927, 2006, 2013]);

/** ER_QUERY_INTERRUPTED: the query was stopped by `KILL QUERY` (a cancelled invocation). */
const interruptedErrno = 1317;

interface DriverFields {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

/**
 * Map a database error to a {@link WegoError}, so every transport renders it
 * with the right status (HTTP 409, gRPC ALREADY_EXISTS, queue "fail at
 * once"…). The messages are written here, never copied from the driver: a
 * caller must not see SQL, values or server addresses. The original stays as
 * `cause` for the logs.
 *
 * | database error | code |
 * |---|---|
 * | duplicate key (unique constraint) | `already_exists` |
 * | foreign key violation | `failed_precondition` |
 * | NOT NULL / CHECK violation | `invalid_argument` |
 * | deadlock, lock wait timeout, optimistic lock | `aborted` |
 * | refused / reset / lost connection, too many connections, access denied | `unavailable` |
 * | query killed (cancelled invocation) | `cancelled` |
 * | `findOneOrFail` found nothing | `not_found` |
 * | anything else | `internal` |
 *
 * A `WegoError` passes through unchanged; so does an internal one whose
 * cause is a database error (another filter normalised it first): that one
 * is mapped from its cause.
 */
export function mysqlError(err: unknown): WegoError {
  if (err instanceof WegoError) {
    if (err.code !== "internal" || err.cause === undefined || err.cause === err) return err;
    const mapped = mapDatabaseError(err.cause);
    return mapped ?? err;
  }
  return mapDatabaseError(err) ?? WegoError.from(err);
}

/** The mapped error, or undefined when `err` is not a database error we know. */
function mapDatabaseError(err: unknown): WegoError | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const cause = { cause: err };
  if (err instanceof UniqueConstraintViolationException) {
    const key = duplicateKeyName(err);
    return new WegoError("already_exists", key ? `duplicate entry for unique key "${key}"` : "duplicate entry", {
      ...cause,
      ...(key ? { details: { key } } : {}),
    });
  }
  if (err instanceof ForeignKeyConstraintViolationException)
    return new WegoError("failed_precondition", "a referenced row is missing, or the row is still referenced", cause);
  if (err instanceof NotNullConstraintViolationException || err instanceof CheckConstraintViolationException)
    return new WegoError("invalid_argument", "a value violates a column constraint", cause);
  if (err instanceof DeadlockException) return new WegoError("aborted", "transaction aborted by a deadlock; retry", cause);
  if (err instanceof LockWaitTimeoutException) return new WegoError("aborted", "lock wait timeout; retry", cause);
  if (err instanceof OptimisticLockError) return new WegoError("aborted", "the row was changed by someone else; retry", cause);
  if (err instanceof NotFoundError) return new WegoError("not_found", "not found", cause);
  if (err instanceof ConnectionException) return new WegoError("unavailable", "database unavailable", cause);
  const { code, errno } = err as DriverFields;
  // MikroORM wraps whatever a query rejects with, including the abort reason
  // of a cancelled invocation (a WegoError: deadline_exceeded, cancelled),
  // copying its fields: give that error back.
  const raw = (err as { rawMessage?: unknown }).rawMessage;
  if (isCode(code) && typeof raw === "string") {
    const { reason, details } = err as { reason?: string; details?: unknown };
    return new WegoError(code, raw, { ...cause, ...(reason ? { reason } : {}), ...(details === undefined ? {} : { details }) });
  }
  if ((typeof code === "string" && unavailableCodes.has(code)) || (typeof errno === "number" && unavailableErrnos.has(errno)))
    return new WegoError("unavailable", "database unavailable", cause);
  if (errno === interruptedErrno) return new WegoError("cancelled", "query cancelled", cause);
  // mysql2 rejects with a plain Error once its pool is closed (during shutdown).
  if ((err as DriverFields).message === "Pool is closed.") return new WegoError("unavailable", "database unavailable", cause);
  return undefined;
}

/** The key name of a MySQL duplicate-entry message ("… for key 'user_email_unique'"), not the value. */
function duplicateKeyName(err: DriverFields): string | undefined {
  const text = typeof err.sqlMessage === "string" ? err.sqlMessage : typeof err.message === "string" ? err.message : "";
  const m = /for key '([^']+)'/.exec(text);
  if (!m?.[1]) return undefined;
  // MySQL 8 prefixes the table ("user.user_email_unique"); MariaDB does not.
  const key = m[1];
  const dot = key.lastIndexOf(".");
  return dot === -1 ? key : key.slice(dot + 1);
}

/** @internal `promise.then(undefined, rethrowMysqlError)`: reject with the mapped error. */
export function rethrowMysqlError(err: unknown): never {
  throw mysqlError(err);
}
