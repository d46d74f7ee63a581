import { Config } from "@wego/core";
import { describe, expect, it } from "vitest";
import { describeConnection, resolveConnection } from "./connection-options.js";

const config = (env: Record<string, string> = {}) => new Config({ argv: [], env });

describe("resolveConnection", () => {
  it("reads a URL, with defaults for what it leaves out", () => {
    expect(resolveConnection({ url: "mysql://app:p%40ss@db.internal:3307/shop" }, config())).toEqual({
      host: "db.internal",
      port: 3307,
      user: "app",
      password: "p@ss",
      database: "shop",
    });
    expect(resolveConnection({ url: "mariadb://db/shop" }, config())).toMatchObject({ host: "db", port: 3306, user: "root", password: "" });
  });

  it("code over config, fields over the URL", () => {
    const cfg = config({ WEGO_MYSQL_URL: "mysql://cfg:cfgpw@cfghost:3310/cfgdb", WEGO_MYSQL_PORT: "3311" });
    expect(resolveConnection({}, cfg)).toEqual({ host: "cfghost", port: 3311, user: "cfg", password: "cfgpw", database: "cfgdb" });
    expect(resolveConnection({ database: "mine" }, cfg)).toMatchObject({ host: "cfghost", database: "mine" });
    expect(resolveConnection({ url: "mysql://code@codehost/codedb", port: 4000 }, cfg)).toEqual({
      host: "codehost",
      port: 4000,
      user: "code",
      password: "cfgpw",
      database: "codedb",
    });
  });

  it("a URL from a stronger config layer beats fields from a weaker one", () => {
    const cfg = new Config({
      argv: [],
      env: { WEGO_MYSQL_URL: "mysql://u@envhost/envdb" },
      defaults: { mysql: { database: "exam", host: "127.0.0.1" } },
    });
    expect(resolveConnection({}, cfg)).toMatchObject({ host: "envhost", database: "envdb" });
    const flags = new Config({ argv: ["--mysql.database", "flagdb"], env: { WEGO_MYSQL_URL: "mysql://u@envhost/envdb" } });
    expect(resolveConnection({}, flags)).toMatchObject({ host: "envhost", database: "flagdb" });
  });

  it("reads another config section with a prefix", () => {
    expect(resolveConnection({}, config({ WEGO_REPORTS_DATABASE: "reports" }), "reports")).toMatchObject({ database: "reports" });
  });

  it("fails with WEGO_ERR_MYSQL_OPTIONS on a missing database or a bad URL", () => {
    expect(() => resolveConnection({ host: "x" }, config())).toThrow(expect.objectContaining({ reason: "WEGO_ERR_MYSQL_OPTIONS" }));
    expect(() => resolveConnection({ url: "not a url" }, config())).toThrow(/not valid/);
    expect(() => resolveConnection({ url: "postgres://h/db" }, config())).toThrow(/postgres:/);
  });

  it("describes the target without the password", () => {
    const text = describeConnection(resolveConnection({ url: "mysql://u:secret@h:1/d" }, config()));
    expect(text).toBe('h:1 (database "d", user "u")');
  });
});
