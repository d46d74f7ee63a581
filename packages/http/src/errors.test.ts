import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Code } from "@wego/core";
import { describe, expect, it } from "vitest";
import { httpStatusOf, reasonStatus, statusOf } from "./code-map.js";
import { httpCatalogue, httpError } from "./errors.js";

const doc = readFileSync(join(import.meta.dirname, "../../../docs/errors.md"), "utf8");
const cells = (line: string) =>
  line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim().replaceAll("`", ""));

describe("docs/errors.md", () => {
  it("lists exactly the http reasons, each with its code", () => {
    const rows = doc
      .split("\n")
      .map(cells)
      .filter((c) => c[1] === "http");
    expect(Object.fromEntries(rows.map((c) => [c[0], c[2]]))).toEqual(
      Object.fromEntries(Object.entries(httpCatalogue).map(([reason, e]) => [reason, e.code])),
    );
  });

  it("gives each code the HTTP status code-map.ts uses", () => {
    for (const [code, status] of Object.entries(httpStatusOf)) {
      const row = doc.split("\n").find((l) => cells(l)[0] === code);
      expect(row, code).toBeDefined();
      expect([code, Number.parseInt(cells(row as string)[2] ?? "", 10)]).toEqual([code, status]);
    }
  });
});

describe("code map", () => {
  it("lets a reason refine its code's status", () => {
    expect(statusOf(httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", [1]))).toBe(413);
    expect(statusOf(httpError("WEGO_ERR_HTTP_METHOD_NOT_ALLOWED"))).toBe(405);
    expect(statusOf(httpError("WEGO_ERR_HTTP_ROUTE_UNKNOWN"))).toBe(404);
    for (const reason of Object.keys(reasonStatus)) expect(httpCatalogue).toHaveProperty(reason);
    const code: Code = "unimplemented";
    expect(httpStatusOf[code]).toBe(501);
  });

  it("fills a message template in order", () => {
    const e = httpError("WEGO_ERR_HTTP_ROUTE_DUPLICATE", ["GET", "/x"]);
    expect(e.rawMessage).toBe("route GET /x is already registered");
    expect(e.reason).toBe("WEGO_ERR_HTTP_ROUTE_DUPLICATE");
    expect(e.code).toBe("already_exists");
  });
});
