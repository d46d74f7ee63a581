import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { mysqlFrameworkError, mysqlReasons } from "./mysql-errors.js";

describe("mysql reasons", () => {
  it("every reason is documented in docs/errors.md under package mysql, and nothing stale is", () => {
    expect(documentedReasons("mysql")).toEqual(catalogueCodes(mysqlReasons));
  });

  it("fills the message template and carries code and reason", () => {
    const e = mysqlFrameworkError("WEGO_ERR_MYSQL_CONNECT", "h:1", "refused");
    expect(e.rawMessage).toBe("cannot connect to MySQL at h:1: refused");
    expect(e).toMatchObject({ code: "unavailable", reason: "WEGO_ERR_MYSQL_CONNECT" });
  });
});
