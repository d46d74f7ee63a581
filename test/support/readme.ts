// Runs a README's code as written, for each package's readme.test.ts: the
// examples in the docs are tests, so they can't rot.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";

const packages = join(dirname(fileURLToPath(import.meta.url)), "../../packages");

/** The ```ts blocks of a markdown text, in order. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** Options of {@link runReadmeBlock}. */
export interface ReadmeRunOptions {
  /** Run the first block containing this text; default the first block. */
  marker?: string;
  /** Change the code before it runs (a port, a queue name no other suite uses…). */
  edit?: (code: string) => string;
  /** Where the snippet file goes (its imports resolve from there); default the README's package `src`. */
  dir?: string;
}

/**
 * Run one ts block of `readme` as written — `@wego/<pkg>` imports point at
 * the packages' sources — and resolve the arguments of each `console.log`
 * it made, for the test to compare with the `// →` comments it shows.
 */
export async function runReadmeBlock(readme: string, options: ReadmeRunOptions = {}): Promise<unknown[][]> {
  const blocks = tsBlocks(readFileSync(readme, "utf8"));
  const block = options.marker === undefined ? blocks[0] : blocks.find((b) => b.includes(options.marker as string));
  if (block === undefined)
    throw new Error(`${readme} has no ts block${options.marker === undefined ? "" : ` containing ${options.marker}`}`);
  let code = block;
  for (const name of readdirSync(packages)) {
    const src = JSON.stringify(join(packages, name, "src"));
    code = code
      .replaceAll(`from "@wego/${name}"`, `from ${src.slice(0, -1)}/index.ts"`)
      .replaceAll(`from "@wego/${name}/transport"`, `from ${src.slice(0, -1)}/transport/index.ts"`)
      .replaceAll(`from "@wego/${name}/testing"`, `from ${src.slice(0, -1)}/testing/index.ts"`);
  }
  if (options.edit !== undefined) code = options.edit(code);
  const dir = mkdtempSync(join(options.dir ?? join(dirname(readme), "src"), ".readme-"));
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
  try {
    const file = join(dir, "example.ts");
    writeFileSync(file, code);
    await import(/* @vite-ignore */ file);
    return logged;
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
}
