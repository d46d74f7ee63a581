import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@wego/core";
import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { codeOfStatus, httpCodes } from "./code-map.js";
import { httpCatalogue, httpError } from "./errors.js";

const doc = readFileSync(join(import.meta.dirname, "../../../docs/errors.md"), "utf8");
const cells = (line: string) =>
  line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim().replaceAll("`", ""));

describe("docs/errors.md", () => {
  it("lists exactly the http reasons, each with its code", () => {
    expect(documentedReasons("http", doc)).toEqual(catalogueCodes(httpCatalogue));
  });

  it("gives each code the HTTP status the code map answers it with", () => {
    for (const code of Object.values(Code)) {
      const row = doc.split("\n").find((l) => cells(l)[0] === code);
      expect(row, code).toBeDefined();
      expect([code, Number.parseInt(cells(row as string)[2] ?? "", 10)]).toEqual([code, httpCodes.toWire(code)]);
    }
  });
});

describe("code map", () => {
  it("lets a reason refine its code's status", () => {
    expect(httpCodes.toWire(httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", 1))).toBe(413);
    expect(httpCodes.toWire(httpError("WEGO_ERR_HTTP_METHOD_NOT_ALLOWED"))).toBe(405);
    expect(httpCodes.toWire(httpError("WEGO_ERR_HTTP_ROUTE_UNKNOWN"))).toBe(404);
    expect(httpCodes.toWire(httpError("WEGO_ERR_HTTP_HOST_MISSING"))).toBe(400);
    expect(httpCodes.toWire("unimplemented")).toBe(501);
  });

  it("reads a status without an envelope as a code, as the client does", () => {
    expect(httpCodes.fromWire(404)).toBe("not_found");
    expect(httpCodes.fromWire(503)).toBe("unavailable");
    expect(httpCodes.fromWire(418)).toBe("invalid_argument");
    expect(httpCodes.fromWire(599)).toBe("internal");
    expect(codeOfStatus(204)).toBeUndefined();
    expect(codeOfStatus(429)).toBe("resource_exhausted");
  });

  it("fills a message template in order, with options through .with", () => {
    const e = httpError("WEGO_ERR_HTTP_ROUTE_UNKNOWN", "GET", "/x");
    expect(e.rawMessage).toBe("no route for GET /x");
    expect(e.reason).toBe("WEGO_ERR_HTTP_ROUTE_UNKNOWN");
    expect(e.code).toBe("unimplemented");
    expect(httpError.with({ details: { a: 1 } })("WEGO_ERR_HTTP_NOT_READY").details).toEqual({ a: 1 });
  });
});
