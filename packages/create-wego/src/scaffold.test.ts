import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scaffold } from "./scaffold.js";
import { transports } from "./templates.js";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tmp = async () => {
  const dir = await mkdtemp(join(tmpdir(), "create-wego-"));
  dirs.push(dir);
  return dir;
};

// The generated app's install, tests and start run in scripts/release-check.sh
// against packages from a local registry; here, what gets written.
describe("scaffold", () => {
  it("writes an app that declares every package it imports", async () => {
    const { root, files } = await scaffold(join(await tmp(), "My App"), transports, "^0.1.0");
    expect(files).toEqual(
      expect.arrayContaining(["package.json", "src/app.ts", "src/main.ts", "test/greet.test.ts", "README.md", ".gitignore"]),
    );
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };
    expect(pkg.name).toBe("my-app");
    const sources = await Promise.all(files.filter((f) => f.endsWith(".ts")).map((f) => readFile(join(root, f), "utf8")));
    const imported = new Set(sources.flatMap((s) => [...s.matchAll(/from "((?:@[^/"]+\/)?[^./"][^/"]*)/g)].map((m) => m[1] as string)));
    for (const name of imported) if (!name.startsWith("node:")) expect(pkg.dependencies, name).toHaveProperty(name);
    expect(pkg.dependencies["@wego/redis-queue"]).toBe("^0.1.0");
  });

  it("serves the handler only on the transports asked for", async () => {
    const { root } = await scaffold(join(await tmp(), "api"), ["grpc"], "^0.1.0");
    const app = await readFile(join(root, "src/app.ts"), "utf8");
    expect(app).toContain("createGrpcRouter");
    expect(app).not.toContain("@wego/http");
  });

  it("refuses a folder that is not empty", async () => {
    const dir = await tmp();
    await scaffold(join(dir, "a"), ["http"], "^0.1.0");
    await expect(scaffold(join(dir, "a"), ["http"], "^0.1.0")).rejects.toThrow(/is not empty/);
  });
});
