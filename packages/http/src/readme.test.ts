// The README's first example, run as written: imports of @wego/* point at the
// sources, and what it logs must be what its `// →` comments show.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";

const here = import.meta.dirname;

it("the README's example runs and logs what it says", async () => {
  const code = (/```ts\n([\s\S]*?)```/.exec(readFileSync(join(here, "../README.md"), "utf8"))?.[1] ?? "")
    .replaceAll('from "@wego/core"', `from ${JSON.stringify(join(here, "../../core/src/index.ts"))}`)
    .replaceAll('from "@wego/http"', `from ${JSON.stringify(join(here, "index.ts"))}`);
  const dir = mkdtempSync(join(here, ".readme-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "example.ts"), code);
  const logged: unknown[][] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
  await import(/* @vite-ignore */ join(dir, "example.ts"));
  expect(logged).toEqual([
    [200, { code: "ok", message: "ok", data: { name: "Ada", adult: true }, requestId: "req-1" }],
    [400, "WEGO_ERR_INPUT_INVALID", ["name"]],
    [200, { code: "ok", message: "ok", data: { user: "42" }, requestId: "req-2" }],
    [401],
  ]);
});
