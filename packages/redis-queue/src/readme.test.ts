// The README's examples, run as written against the test Redis: imports of
// @wego/* point at the sources, the queue gets a name no other suite uses
// (its keys are deleted afterwards), and what each logs must be what its
// comments show.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runReadmeBlock } from "../../../test/support/readme.ts";
import { deletePrefix, testRedisUrl, uniquePrefix } from "./test-support.js";

const here = import.meta.dirname;
const dir = mkdtempSync(join(here, ".readme-"));
const queues: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const q of queues) await deletePrefix(`wego:${q}`);
});

/** Run the README's ts block containing `marker` on a queue of its own; resolves the first argument of each console.log. */
async function run(marker: string): Promise<unknown[]> {
  const queue = `readme-${randomBytes(4).toString("hex")}`;
  queues.push(queue);
  const logged = await runReadmeBlock(join(here, "../README.md"), {
    marker,
    edit: (code) => {
      const edited = code.replaceAll('queue: "mail"', `queue: ${JSON.stringify(queue)}`);
      expect(edited).toContain(queue);
      return edited;
    },
  });
  return logged.map((args) => args[0]);
}

it("the README's typed example runs and logs what it says", async () => {
  expect(await run("defineHandler")).toEqual([{ sent: 7 }, "invalid_argument"]);
});

it("the README's seed-style example runs and logs what it says", async () => {
  expect(await run("services.chain")).toEqual([{ digest: "for 7" }]);
});

// Issue 16 item 14: the example app's README pushes a job with bare BullMQ
// (`queue-push.mjs`). BullMQ 6 declares ioredis an optional peer, without
// which `connection: { host, port }` fails ("could not load the optional
// 'ioredis' package"), so the README must say to install it too.
it("the example's bare-BullMQ snippet runs, and its README names every package it needs", async () => {
  const readme = readFileSync(join(here, "../../../examples/exam/README.md"), "utf8");
  const section = /`queue-push\.mjs`([\s\S]*?)```js\n([\s\S]*?)```/.exec(readme);
  expect(section).not.toBeNull();
  const [, prose = "", snippet = ""] = section as RegExpExecArray;
  const installed = /npm install ([\w@/ -]+)/.exec(prose)?.[1]?.trim().split(/\s+/) ?? [];
  const bullmq = JSON.parse(readFileSync(join(here, "../node_modules/bullmq/package.json"), "utf8")) as {
    peerDependenciesMeta?: Record<string, unknown>;
  };
  expect(Object.keys(bullmq.peerDependenciesMeta ?? {})).toContain("ioredis");
  expect(installed).toEqual(expect.arrayContaining(["bullmq", "ioredis"]));

  const prefix = uniquePrefix("readme-push");
  const { hostname, port } = new URL(testRedisUrl);
  const code = snippet
    .replace('prefix: "wego"', `prefix: ${JSON.stringify(prefix)}`)
    .replace('host: "127.0.0.1", port: 6379', `host: ${JSON.stringify(hostname)}, port: ${Number(port || 6379)}`);
  expect(code).toContain(prefix);
  const file = join(dir, "queue-push.mjs");
  writeFileSync(file, code);
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [file], { timeout: 15_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(stderr || err.message)) : resolve(stdout),
      ),
    );
    expect(out).toMatch(/^pushed \d+\n/);
  } finally {
    await deletePrefix(prefix);
  }
});
