import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { build, type Options } from "tsup";
import { afterAll, describe, expect, it } from "vitest";
import tsupConfig from "../tsup.config.js";
import { createLogger } from "./logger.js";

const coreDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const cleanup: string[] = [];
afterAll(() => Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Ends the logger's transport (its worker thread) once every line is written. */
function close(logger: ReturnType<typeof createLogger>): Promise<void> {
  const stream = (logger as unknown as Record<symbol, NodeJS.WritableStream>)[pino.symbols.streamSym]!;
  return new Promise((resolve) => {
    stream.on("close", () => resolve());
    stream.end();
  });
}

/** The JSON lines in the folder's .log files, in file order. */
async function linesIn(dir: string): Promise<{ files: string[]; lines: { i: number; msg: string }[] }> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".log"));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), "utf8")));
  const lines = texts.flatMap((text) =>
    text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { i: number; msg: string }),
  );
  return { files, lines };
}

describe("createLogger with file", () => {
  it("writes JSON lines to files in a folder it creates and rolls them by size (pino-roll)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wego-logs-"));
    cleanup.push(dir);
    const logs = join(dir, "logs");
    const logger = createLogger({ fd: false, file: { path: join(logs, "app.log"), size: "1k" } });
    const filler = "x".repeat(200);
    // pino-roll checks the size between writes, and the worker writes what it
    // has been sent in one go: send 2 KB batches, each after the last is on disk.
    for (let batch = 0; batch < 5; batch++) {
      for (let i = batch * 8; i < batch * 8 + 8; i++) logger.info({ i, filler }, "line");
      const until = Date.now() + 10_000;
      while ((await linesIn(logs)).lines.length < batch * 8 + 8 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    }
    await close(logger);

    const { files, lines } = await linesIn(logs);
    expect(files.length).toBeGreaterThan(1); // 10 KB of lines with a 1 KB limit
    expect(lines.map((l) => l.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(lines.every((l) => l.msg === "line")).toBe(true);
  });
});

describe("the built bundle", () => {
  // esbuild renames a class whose name collides inside the bundle (WegoError
  // became _WegoError), and pino logs `err.constructor.name` as the error's
  // `type`; WegoError sets its own name (keepNames would cost every call).
  // Built here with the
  // package's own config, so the test needs no prior `pnpm build`.
  it("logs an error's type as WegoError, the class's source name", async () => {
    const outDir = await mkdtemp(join(coreDir, "node_modules", ".keepnames-"));
    cleanup.push(outDir);
    const config = tsupConfig as Options;
    await build({
      ...config,
      entry: { index: join(coreDir, "src/index.ts") },
      outDir,
      dts: false,
      sourcemap: false,
      clean: false,
      silent: true,
      config: false,
      external: [/^[^./]/], // as in the package build, where tsup leaves dependencies to node_modules
    });
    const script = `import { createLogger, WegoError } from ${JSON.stringify(join(outDir, "index.js"))};
      createLogger().error({ err: new WegoError("not_found", "no such user") }, "failed");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    expect(run.stderr).toBe("");
    const line = JSON.parse(run.stdout) as { err: { type: string; code: string } };
    expect(line.err).toMatchObject({ type: "WegoError", code: "not_found" });
  });
});
