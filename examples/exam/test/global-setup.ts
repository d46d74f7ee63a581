// The end-to-end tests run the example as a user does: built. This builds it
// (a second or two), after building each wego package it uses that has no
// build or sources newer than its build (CI builds everything first: nothing to do).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const exam = join(import.meta.dirname, "..");
const root = join(exam, "..", "..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The wego packages the example depends on whose build is missing or older than their sources. */
function stalePackages(): string[] {
  const pkgs = join(root, "packages");
  const manifest = JSON.parse(readFileSync(join(exam, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const used = new Set(
    Object.keys(manifest.dependencies ?? {})
      .filter((d) => d.startsWith("@wego/"))
      .map((d) => d.slice(6)),
  );
  return readdirSync(pkgs).filter((name) => {
    if (!used.has(name)) return false;
    const built = join(pkgs, name, "dist", "index.js");
    return !existsSync(built) || newestMtime(join(pkgs, name, "src")) > statSync(built).mtimeMs;
  });
}

export default function setup(): void {
  // core first: the others' type declarations build against it.
  const stale = stalePackages().sort((a, b) => Number(b === "core") - Number(a === "core"));
  for (const name of stale) execFileSync("pnpm", ["-F", `@wego/${name}`, "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("pnpm", ["build"], { cwd: exam, stdio: ["ignore", "ignore", "inherit"] });
}
