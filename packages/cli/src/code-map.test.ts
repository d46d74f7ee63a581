import { readFileSync } from "node:fs";
import { Code, WegoError } from "@wego/core";
import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { cliError } from "./cli-errors.js";
import { cliCodes, exitCodeMap, exitCodes } from "./code-map.js";

describe("exit codes", () => {
  it("give every code its own exit code, never 0, all within a byte", () => {
    const values = Object.values(Code).map((c) => cliCodes.toWire(c));
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(256);
    }
  });

  it("map both ways with the shared verbs, overrides included", () => {
    expect(cliCodes.toWire(new WegoError("not_found", "x"))).toBe(3);
    expect(cliCodes.fromWire(3)).toBe("not_found");
    expect(cliCodes.fromWire(130)).toBe("cancelled");
    expect(cliCodes.fromWire(77)).toBe("unknown");
    const custom = exitCodeMap({ not_found: 44 });
    expect(custom.toWire("not_found")).toBe(44);
    expect(custom.fromWire(44)).toBe("not_found");
  });

  it("match the CLI exit column of docs/errors.md", () => {
    const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    const documented: Record<string, number> = {};
    for (const m of doc.matchAll(/^\| `([a-z_]+)` +\| \d+ +\|[^|]+\| (\d+) +\|/gm)) documented[m[1] as string] = Number(m[2]);
    expect(documented).toEqual(exitCodes);
  });
});

it("documents every cli error in docs/errors.md with its code, and nothing else", () => {
  expect(documentedReasons("cli")).toEqual(catalogueCodes(cliError.table));
});
