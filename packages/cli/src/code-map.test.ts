import { readFileSync } from "node:fs";
import { Code } from "@wego/core";
import { describe, expect, it } from "vitest";
import { exitCodeOf, exitCodes } from "./code-map.js";

describe("exit codes", () => {
  it("give every code its own exit code, never 0, all within a byte", () => {
    const values = Object.values(Code).map((c) => exitCodes[c]);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(256);
    }
    expect(exitCodeOf("ok")).toBe(0);
    expect(exitCodeOf("not_found", { not_found: 44 })).toBe(44);
  });

  it("match the CLI exit column of docs/errors.md", () => {
    const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    const documented: Record<string, number> = {};
    for (const m of doc.matchAll(/^\| `([a-z_]+)` +\| \d+ +\|[^|]+\| (\d+) +\|/gm)) documented[m[1] as string] = Number(m[2]);
    expect(documented).toEqual(exitCodes);
  });
});
