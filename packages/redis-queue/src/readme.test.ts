// The README's examples, run as written against the test Redis: imports of
// @wego/* point at the sources, the queue gets a name no other suite uses
// (its keys are deleted afterwards), and what each logs must be what its
// comments show.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { deletePrefix } from "./test-support.js";

const here = import.meta.dirname;
const dir = mkdtempSync(join(here, ".readme-"));
const queues: string[] = [];
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const q of queues) await deletePrefix(`wego:${q}`);
});

/** Run the README's ts block containing `marker`; resolves what it logged. */
async function run(marker: string): Promise<unknown[]> {
  const blocks = [...readFileSync(join(here, "../README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  const queue = `readme-${randomBytes(4).toString("hex")}`;
  queues.push(queue);
  const code = (blocks.find((b) => b.includes(marker)) ?? "")
    .replaceAll('from "@wego/core"', `from ${JSON.stringify(join(here, "../../core/src/index.ts"))}`)
    .replaceAll('from "@wego/redis-queue"', `from ${JSON.stringify(join(here, "index.ts"))}`)
    .replaceAll('queue: "mail"', `queue: ${JSON.stringify(queue)}`);
  expect(code).toContain(queue);
  const file = join(dir, `${queue}.ts`);
  writeFileSync(file, code);
  const logged: unknown[] = [];
  vi.spyOn(console, "log").mockImplementation((v: unknown) => void logged.push(v));
  await import(/* @vite-ignore */ file);
  return logged;
}

it("the README's typed example runs and logs what it says", async () => {
  expect(await run("defineHandler")).toEqual([{ sent: 7 }, "invalid_argument"]);
});

it("the README's seed-style example runs and logs what it says", async () => {
  expect(await run("services.chain")).toEqual([{ digest: "for 7" }]);
});
