import { mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { render, type Transport } from "./templates.js";

/**
 * Write a new app into `dir` (created; it must be empty or absent): its
 * package name is the folder's name. Returns the absolute folder and the files written.
 */
export async function scaffold(
  dir: string,
  transports: readonly Transport[],
  wegoRange: string,
): Promise<{ root: string; files: string[] }> {
  const root = resolve(dir);
  const existing = await readdir(root).catch(() => []);
  if (existing.length > 0) throw new Error(`${root} is not empty`);
  const name = basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  const files = render({ name: name || "wego-app", transports, wegoRange });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { root, files: Object.keys(files) };
}
