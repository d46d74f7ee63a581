import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Config, envNameOf, parseFlags } from "./config.js";
import { WegoError } from "./errors/wego-error.js";

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wego-config-"));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("Config", () => {
  it("layers defaults < file < env < flags", () => {
    const f = file("c.json", JSON.stringify({ http: { port: 2000, host: "file-host" }, name: "from-file" }));
    const defaults = { http: { port: 1000, host: "0.0.0.0", cors: false }, name: "default", shutdownTimeout: 5 };
    const only = new Config({ defaults, env: {}, argv: [] });
    expect(only.get("http.port", 0)).toBe(1000);
    const withFile = new Config({ defaults, file: f, env: {}, argv: [] });
    expect(withFile.get("http.port", 0)).toBe(2000);
    expect(withFile.get("http.cors", true)).toBe(false);
    const withEnv = new Config({ defaults, file: f, env: { WEGO_HTTP_PORT: "3000", WEGO_SHUTDOWN_TIMEOUT: "9" }, argv: [] });
    expect(withEnv.get("http.port", 0)).toBe(3000);
    expect(withEnv.get("shutdownTimeout", 0)).toBe(9);
    expect(withEnv.get("http.host", "")).toBe("file-host");
    const withFlag = new Config({ defaults, file: f, env: { WEGO_HTTP_PORT: "3000" }, argv: ["--http.port", "4000", "--name=flagged"] });
    expect(withFlag.get("http.port", 0)).toBe(4000);
    expect(withFlag.source("http.port")).toBe("flag");
    expect(withFlag.get("name", "")).toBe("flagged");
    expect(withFlag.toObject()).toMatchObject({ http: { port: 4000, host: "file-host" }, name: "flagged" });
  });

  it("reads TOML files and the file named by --config / WEGO_CONFIG", () => {
    const t = file("c.toml", '[http]\nport = 8080\n[redis]\nhost = "10.0.0.1"\n');
    expect(new Config({ env: { WEGO_CONFIG: t }, argv: [] }).get("redis.host", "")).toBe("10.0.0.1");
    expect(new Config({ env: {}, argv: ["--config", t] }).get("http.port", 0)).toBe(8080);
  });

  it("coerces strings to the fallback's type: lists, booleans, objects", () => {
    const c = new Config({ env: { WEGO_SERVER: "http, grpc", WEGO_DEBUG: "yes", WEGO_LIMITS: '{"a":1}' }, argv: ["--pretty"] });
    expect(c.get<string[]>("server", [])).toEqual(["http", "grpc"]);
    expect(c.get("debug", false)).toBe(true);
    expect(c.get("pretty", false)).toBe(true);
    expect(c.get("limits", {})).toEqual({ a: 1 });
    expect(c.get("missing", 7)).toBe(7);
  });

  it("names the bad key and where it came from", () => {
    const c = new Config({ env: { WEGO_HTTP_PORT: "eighty" }, argv: ["--debug=maybe"] });
    expect(() => c.get("http.port", 8341)).toThrow('config key "http.port" (from env WEGO_HTTP_PORT) must be a number, got "eighty"');
    expect(() => c.get("debug", false)).toThrow(/config key "debug" \(from flag --debug\) must be a boolean/);
    const err = (() => {
      try {
        c.get("http.port", 1);
      } catch (e) {
        return e;
      }
    })();
    expect((err as WegoError).reason).toBe("WEGO_ERR_CONFIG_INVALID");
  });

  it("fails clearly on unreadable or malformed files", () => {
    expect(() => new Config({ file: "/nonexistent/wego.json", env: {}, argv: [] })).toThrow(
      /config file "\/nonexistent\/wego.json" cannot be read/,
    );
    const bad = file("bad.json", "{ not json");
    expect(() => new Config({ file: bad, env: {}, argv: [] })).toThrow(WegoError);
    const arr = file("arr.json", "[1,2]");
    expect(() => new Config({ file: arr, env: {}, argv: [] })).toThrow(/top level must be an object/);
  });

  it("require() fails for a key set nowhere", () => {
    expect(() => new Config({ env: {}, argv: [] }).require("jwt.secret", "")).toThrow(/WEGO_JWT_SECRET/);
  });

  it("maps names and flags predictably", () => {
    expect(envNameOf("http.port")).toBe("WEGO_HTTP_PORT");
    expect(envNameOf("shutdownTimeout")).toBe("WEGO_SHUTDOWN_TIMEOUT");
    expect(envNameOf("redis-queue.concurrency")).toBe("WEGO_REDIS_QUEUE_CONCURRENCY");
    expect([...parseFlags(["run", "--shutdown-timeout", "5", "--a=b", "--", "--ignored"])]).toEqual([
      ["shutdownTimeout", "5"],
      ["a", "b"],
    ]);
  });

  it("does not let a flag pollute prototypes", () => {
    const c = new Config({ env: {}, argv: ["--__proto__.polluted", "yes"] });
    c.toObject();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
