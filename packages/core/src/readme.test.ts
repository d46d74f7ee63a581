// The first TypeScript example of the root README and of this package's
// README, run as written: imports of @wego/core are pointed at the sources,
// and what the snippet logs must match the `// →` / `// {…}` comment it shows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, expect, it, vi } from "vitest";

const here = import.meta.dirname;
const tmp = mkdtempSync(join(here, ".readme-"));
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The first ts block, or the first one containing `marker`. */
function tsBlock(markdown: string, marker?: string): string {
  for (const m of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
    if (m[1] !== undefined && (marker === undefined || m[1].includes(marker))) return m[1];
  }
  throw new Error(`no ts block${marker === undefined ? "" : ` containing ${marker}`}`);
}

async function runSnippet(file: string, marker?: string): Promise<unknown[]> {
  const code = tsBlock(readFileSync(file, "utf8"), marker)
    .replaceAll('from "@wego/core"', `from ${JSON.stringify(join(here, "index.ts"))}`)
    .replaceAll('from "@wego/core/transport"', `from ${JSON.stringify(join(here, "transport/index.ts"))}`);
  const path = join(tmp, `${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(path, code);
  const logged: unknown[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args[0]));
  await import(/* @vite-ignore */ path);
  return logged;
}

it("the root README's example logs what it says", async () => {
  const logged = await runSnippet(join(here, "../../../README.md"));
  expect(logged).toEqual([{ one: "from one", two: { echo: { hello: "world" } } }]);
});

it("the core README's typed handler example logs what it says", async () => {
  const logged = await runSnippet(join(here, "../README.md"));
  expect(logged).toEqual([{ message: "hello wego" }, "invalid_argument"]);
});

it("the core README's seed-style example logs what it says", async () => {
  const logged = await runSnippet(join(here, "../README.md"), "services.chain(auth, hello)");
  expect(logged).toEqual([{ hello: "wego" }]);
});

it("the core README's transport example logs what it says", async () => {
  const logged = await runSnippet(join(here, "../README.md"), "createLineRouter");
  expect(logged).toEqual(['{"code":"ok","message":"ok","data":{"n":42},"requestId":"line-1"}', "invalid_argument"]);
});
