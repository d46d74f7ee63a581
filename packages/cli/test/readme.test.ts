// The README's first example, run as written: its `main.ts` block becomes a
// real process (on the workspace sources, like the fixture app), and each
// `$ node main.js …` line of the console block after it is run, its output
// compared with the line below it and its exit code with `echo $?`.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runApp } from "./run-app.js";

const readme = readFileSync(join(import.meta.dirname, "../README.md"), "utf8");
// Under src/ so that `zod` resolves from this package (and .gitignore knows `.readme-*`).
const dir = mkdtempSync(join(import.meta.dirname, "../src/.readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Shell words: single and double quotes, nothing else. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

it("the README's command lines print what it shows and exit as it says", async () => {
  const main = join(dir, "main.ts");
  writeFileSync(main, /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "");
  const lines = (/```console\n([\s\S]*?)```/.exec(readme)?.[1] ?? "").trimEnd().split("\n");
  let ran = 0;
  let exit: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "$ echo $?") {
      expect(exit).toBe(Number(lines[++i]));
      continue;
    }
    const [, piped, command] = /^\$ (?:echo '([^']*)' \| )?node main\.js (.*)$/.exec(line) ?? [];
    expect(command, line).toBeDefined();
    // What `echo … |` pipes, as a file on fd 0 (a pipe from spawn is a socket, which the router rightly never reads).
    const input = join(dir, `stdin-${i}`);
    writeFileSync(input, piped === undefined ? "" : `${piped}\n`);
    const fd = openSync(input, "r");
    const r = await runApp(words(command as string), { script: main, ...(piped === undefined ? {} : { stdin: fd }) }).finally(() =>
      closeSync(fd),
    );
    expect(JSON.parse(r.stdout), line).toEqual(JSON.parse(lines[++i] as string));
    exit = r.code;
    ran++;
  }
  expect(ran).toBe(5);
});
