// `@wego/core/testing` is for an app's own tests under any runner
// (node:test, jest…): nothing it imports, however indirectly, may load
// vitest. The conformance suite, which needs vitest, has its own subpath.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";

/** Every module reachable from `entry` by relative imports, and every bare specifier they import. */
function importGraph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gms)) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else bare.add(spec);
    }
  };
  visit(entry);
  return { files, bare };
}

it("loads no vitest, however deep", () => {
  const { files, bare } = importGraph(join(import.meta.dirname, "index.ts"));
  expect(files.size).toBeGreaterThan(5);
  expect([...bare].filter((s) => s === "vitest" || s.startsWith("vitest/"))).toEqual([]);
});

it("while the conformance suite does (the reason it has its own subpath)", () => {
  const { bare } = importGraph(join(import.meta.dirname, "conformance.ts"));
  expect(bare.has("vitest")).toBe(true);
});
