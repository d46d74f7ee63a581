// Shared pieces of every vitest project: @wego/* resolve to sources, so a
// package's tests never need another package built first.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

const root = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(root, "packages");

export const wegoAliases = [
  { find: /^@wego\/core\/testing$/, replacement: join(pkgDir, "core/src/testing/index.ts") },
  { find: /^@wego\/core\/testing\/conformance$/, replacement: join(pkgDir, "core/src/testing/conformance.ts") },
  { find: /^@wego\/core\/transport$/, replacement: join(pkgDir, "core/src/transport/index.ts") },
  ...readdirSync(pkgDir).map((name) => ({
    find: new RegExp(`^@wego/${name}$`),
    replacement: join(pkgDir, name, "src/index.ts"),
  })),
];

/** A package's vitest project: its `src/**\/*.test.ts`, named after the package. */
export function wegoProject(name: string, dir: string, test: UserWorkspaceConfig["test"] = {}) {
  return defineProject({
    resolve: { alias: wegoAliases },
    test: {
      name,
      root: dir,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...test,
    },
  });
}
