import {
  ConnectionException,
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotFoundError,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/mysql";
import { WegoError } from "@wego/core";
import { describe, expect, it } from "vitest";
import { mysqlError } from "./code-map.js";

/** What mysql2 rejects with: an Error carrying code / errno / sqlMessage. */
function driverError(fields: { code: string; errno?: number; message: string }): Error {
  return Object.assign(new Error(fields.message), { ...fields, sqlMessage: fields.message });
}

describe("mysqlError", () => {
  it("maps a duplicate key to already_exists with the key name, never the value", () => {
    const dup = driverError({ code: "ER_DUP_ENTRY", errno: 1062, message: "Duplicate entry 'ada@x.io' for key 'user_email_unique'" });
    const e = mysqlError(new UniqueConstraintViolationException(dup));
    expect(e.code).toBe("already_exists");
    expect(e.details).toEqual({ key: "user_email_unique" });
    expect(e.rawMessage).toBe('duplicate entry for unique key "user_email_unique"');
    expect(e.rawMessage).not.toContain("ada@x.io");
    // MySQL 8 names the key with its table.
    const mysql8 = driverError({ code: "ER_DUP_ENTRY", errno: 1062, message: "Duplicate entry '1' for key 'user.PRIMARY'" });
    expect(mysqlError(new UniqueConstraintViolationException(mysql8)).details).toEqual({ key: "PRIMARY" });
  });

  it.each([
    ["deadlock", new DeadlockException(driverError({ code: "ER_LOCK_DEADLOCK", errno: 1213, message: "Deadlock found" })), "aborted"],
    [
      "lock wait",
      new LockWaitTimeoutException(driverError({ code: "ER_LOCK_WAIT_TIMEOUT", errno: 1205, message: "Lock wait" })),
      "aborted",
    ],
    [
      "access denied",
      new ConnectionException(driverError({ code: "ER_ACCESS_DENIED_ERROR", errno: 1045, message: "Access denied" })),
      "unavailable",
    ],
    ["refused", new DriverException(driverError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 10.0.0.1:3306" })), "unavailable"],
    ["lost", new DriverException(driverError({ code: "PROTOCOL_CONNECTION_LOST", message: "Connection lost" })), "unavailable"],
    [
      "killed (MariaDB)",
      new DriverException(driverError({ code: "ER_CONNECTION_KILLED", errno: 1927, message: "Connection was killed" })),
      "unavailable",
    ],
    ["too many connections", driverError({ code: "ER_CON_COUNT_ERROR", errno: 1040, message: "Too many connections" }), "unavailable"],
    [
      "query interrupted",
      new DriverException(driverError({ code: "ER_QUERY_INTERRUPTED", errno: 1317, message: "interrupted" })),
      "cancelled",
    ],
    [
      "foreign key",
      new ForeignKeyConstraintViolationException(driverError({ code: "ER_NO_REFERENCED_ROW_2", errno: 1452, message: "fk" })),
      "failed_precondition",
    ],
    [
      "not null",
      new NotNullConstraintViolationException(driverError({ code: "ER_BAD_NULL_ERROR", errno: 1048, message: "null" })),
      "invalid_argument",
    ],
    ["findOneOrFail", NotFoundError.findOneFailed("User", { id: 1 }), "not_found"],
    ["syntax error", new DriverException(driverError({ code: "ER_PARSE_ERROR", errno: 1064, message: "syntax" })), "internal"],
  ])("maps %s", (_, err, code) => {
    const e = mysqlError(err);
    expect(e.code).toBe(code);
    expect(e.cause).toBe(err);
    // Driver text (addresses, SQL) never becomes the caller-visible message.
    if (code !== "internal") expect(e.rawMessage).not.toBe((err as Error).message);
  });

  it("passes WegoErrors through, and remaps an internal one wrapping a database error", () => {
    const own = new WegoError("permission_denied", "no");
    expect(mysqlError(own)).toBe(own);
    const lost = new DriverException(driverError({ code: "PROTOCOL_CONNECTION_LOST", message: "Connection lost" }));
    expect(mysqlError(WegoError.from(lost)).code).toBe("unavailable");
    const bug = WegoError.from(new TypeError("x is undefined"));
    expect(mysqlError(bug)).toBe(bug);
  });

  it("gives back an invocation's abort reason that MikroORM wrapped", () => {
    const reason = new WegoError("deadline_exceeded", "deadline exceeded");
    const wrapped = new DriverException(reason);
    const e = mysqlError(wrapped);
    expect(e.code).toBe("deadline_exceeded");
    expect(e.rawMessage).toBe("deadline exceeded");
  });
});
