import { readFileSync } from "node:fs";
import { Code, WegoError } from "@wego/core";
import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { queueCodes } from "./code-map.js";
import { queueCatalogue, queueError } from "./errors.js";

describe("queue error catalogue", () => {
  it("matches the rows of docs/errors.md marked redis-queue, code included", () => {
    expect(documentedReasons("redis-queue")).toEqual(catalogueCodes(queueCatalogue));
  });

  it("fills the template and carries the reason", () => {
    const e = queueError("WEGO_ERR_QUEUE_NO_ROUTE", "mail.x", "mail", "none");
    expect(e.rawMessage).toBe('no route "mail.x" on queue "mail" (routes: none)');
    expect(e).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_QUEUE_NO_ROUTE" });
  });
});

describe("queue code map", () => {
  it("fails input errors at once and retries the rest, as the queue column of docs/errors.md says", () => {
    const docs = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    const column = new Map<string, string>();
    for (const m of docs.matchAll(/^\| `([a-z_]+)` +\|[^|]*\|[^|]*\|[^|]*\| ([^|]+?) +\|$/gm)) column.set(m[1] as string, m[2] as string);
    expect(column.size).toBe(Object.values(Code).length);
    for (const code of Object.values(Code)) {
      expect([code, queueCodes.toWire(code)]).toEqual([code, column.get(code) === "fail at once" ? "fail" : "retry"]);
    }
    expect(queueCodes.toWire(new WegoError("not_found", "x"))).toBe("fail");
    expect(queueCodes.toWire(new WegoError("unavailable", "x"))).toBe("retry");
  });

  it("reads the wire back as a code", () => {
    expect(queueCodes.fromWire("retry")).toBe("unavailable");
    expect(queueCodes.fromWire("fail")).toBe("invalid_argument");
  });
});
