import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Config, type DynamicConfigSource } from "./config.js";

function tempFile(tree: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "wego-watch-")), "c.json");
  writeFileSync(file, JSON.stringify(tree));
  return file;
}

const waitFor = async (ok: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!ok() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 5));
  return Date.now() - t0;
};

/** A source the test pushes trees through by hand. */
function handSource(): DynamicConfigSource & { push(t: Record<string, unknown>): void } {
  let push: (t: Record<string, unknown>) => void = () => {};
  return {
    name: "by hand",
    async start(p) {
      push = p;
      p({});
    },
    async close() {},
    push: (t) => push(t),
  };
}

describe("Config watch", () => {
  it("tells a watcher of a file change within the debounce, also when the file is replaced (editors, mv)", async () => {
    const file = tempFile({ a: { n: 1 } });
    const c = new Config({ file, env: {}, argv: [] });
    const seen: unknown[] = [];
    const stop = c.watch("a", (v) => seen.push(v));
    writeFileSync(file, JSON.stringify({ a: { n: 2 } }));
    expect(await waitFor(() => seen.length === 1)).toBeLessThan(1000);
    expect(seen[0]).toEqual({ n: 2 });
    expect(c.get("a.n", 0)).toBe(2);
    const next = `${file}.tmp`;
    writeFileSync(next, JSON.stringify({ a: { n: 3 } }));
    renameSync(next, file);
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toEqual({ n: 3 });
    stop();
    await c.close();
  });

  it("refuses a change a listener throws on: the last good value stays for get, and a warning names key and reason", async () => {
    const file = tempFile({ limit: 5 });
    const c = new Config({ file, env: {}, argv: [] });
    const warnings: Array<Record<string, unknown>> = [];
    c.useLog({ warn: (o) => void warnings.push(o as Record<string, unknown>), info: () => {} });
    c.watch("limit", (v) => {
      if (typeof v !== "number" || v < 0) throw new Error("must be a number ≥ 0");
    });
    writeFileSync(file, JSON.stringify({ limit: -1 }));
    await waitFor(() => warnings.length > 0);
    expect(warnings[0]).toMatchObject({ key: "limit", reason: "must be a number ≥ 0" });
    expect(c.get("limit", 0)).toBe(5);
    writeFileSync(file, JSON.stringify({ limit: 7 }));
    await waitFor(() => c.get<number>("limit", 0) === 7);
    expect(c.get("limit", 0)).toBe(7);
    await c.close();
  });

  it("keeps the old tree when the file stops parsing", async () => {
    const file = tempFile({ k: "v" });
    const c = new Config({ file, env: {}, argv: [] });
    const warnings: unknown[] = [];
    c.useLog({ warn: (o) => void warnings.push(o), info: () => {} });
    c.watch("k", () => {});
    writeFileSync(file, "{ not json");
    await waitFor(() => warnings.length > 0);
    expect(c.get("k", "")).toBe("v");
    await c.close();
  });

  it("puts a distributed source above every layer and merges its trees into the file's", async () => {
    const file = tempFile({ g: { a: 1, b: 2 } });
    const c = new Config({ file, env: { WEGO_G_A: "5" }, argv: [], defaults: { g: { c: 3 } } });
    const src = handSource();
    await c.attach(src);
    const seen: unknown[] = [];
    c.watch("g", (v) => seen.push(v));
    src.push({ g: { b: 20 } });
    expect(c.source("g.b")).toBe("remote");
    expect(c.get("g.b", 0)).toBe(20);
    expect(c.get("g.a", 0)).toBe(5);
    expect(c.merged("g")).toEqual({ c: 3, a: 1, b: 20 });
    expect(seen).toEqual([{ c: 3, a: 1, b: 20 }]);
    await c.close();
  });
});
