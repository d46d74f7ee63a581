import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { frameworkError } from "./errors/catalogue.js";

export interface ConfigOptions {
  /** Lowest layer. */
  defaults?: Record<string, unknown>;
  /** A JSON or TOML file; also `--config` / `WEGO_CONFIG`. Missing named file is an error. */
  file?: string;
  /** Environment (default `process.env`); `WEGO_HTTP_PORT` is key `http.port`. */
  env?: Record<string, string | undefined>;
  /** Command-line arguments (default `process.argv.slice(2)`); `--http.port 8080`, `--server http,grpc`. */
  argv?: readonly string[];
}

export type ConfigSource = "flag" | "env" | "file" | "default";

type Tree = Record<string, unknown>;

/** `http.port` → `WEGO_HTTP_PORT`, `shutdownTimeout` → `WEGO_SHUTDOWN_TIMEOUT`. */
export function envNameOf(path: string): string {
  return `WEGO_${path
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[.-]/g, "_")
    .toUpperCase()}`;
}

/** `--shutdown-timeout` → `shutdownTimeout`, `--http.port` stays `http.port`. */
function flagPath(name: string): string {
  return name
    .split(".")
    .map((seg) => seg.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))
    .join(".");
}

/** Parse `--k=v`, `--k v` and bare `--flag` (true); stops at `--`; positionals are left alone. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (!a.startsWith("--") || a.length < 3) continue;
    const eq = a.indexOf("=");
    if (eq > 0) {
      out.set(flagPath(a.slice(2, eq)), a.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      out.set(flagPath(a.slice(2)), next);
      i++;
    } else out.set(flagPath(a.slice(2)), "true");
  }
  return out;
}

function lookup(tree: Tree | undefined, path: string): unknown {
  let cur: unknown = tree;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Tree)[seg];
  }
  return cur;
}

function leaves(tree: unknown, prefix = "", out: string[] = []): string[] {
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) {
    if (prefix) out.push(prefix);
    return out;
  }
  for (const [k, v] of Object.entries(tree)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const segs = path.split(".");
  let cur = tree;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i] as string;
    if (seg === "__proto__" || seg === "constructor" || seg === "prototype") return;
    const nxt = cur[seg];
    if (nxt === null || typeof nxt !== "object" || Array.isArray(nxt)) cur[seg] = {};
    cur = cur[seg] as Tree;
  }
  const last = segs[segs.length - 1] as string;
  if (last === "__proto__" || last === "constructor" || last === "prototype") return;
  cur[last] = value;
}

const truthy = new Set(["true", "1", "yes", "on"]);
const falsy = new Set(["false", "0", "no", "off", ""]);

/**
 * Layered configuration: defaults < file < `WEGO_*` env < `--flags`. Values
 * from env and flags are strings, coerced to the type of the fallback the
 * reader passes; a value that doesn't fit fails with a message naming the
 * key and where it came from.
 */
export class Config {
  readonly #defaults: Tree;
  readonly #file: Tree;
  readonly #fileName: string | undefined;
  readonly #env: Record<string, string | undefined>;
  readonly #flags: Map<string, string>;

  constructor(options: ConfigOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#flags = parseFlags(options.argv ?? process.argv.slice(2));
    this.#defaults = options.defaults ?? {};
    const file = this.#flags.get("config") ?? this.#env.WEGO_CONFIG ?? options.file;
    this.#fileName = file;
    this.#file = file ? readConfigFile(file) : {};
  }

  /** Where `path`'s value comes from, or undefined when no layer has it. */
  source(path: string): ConfigSource | undefined {
    if (this.#flags.has(path)) return "flag";
    if (this.#env[envNameOf(path)] !== undefined) return "env";
    if (lookup(this.#file, path) !== undefined) return "file";
    if (lookup(this.#defaults, path) !== undefined) return "default";
    return undefined;
  }

  has(path: string): boolean {
    return this.source(path) !== undefined;
  }

  /**
   * The value at `path`, coerced to the type of `fallback` (number, boolean,
   * string, string[], object). Returns `fallback` when no layer sets it.
   */
  get<T>(path: string, fallback: T): T;
  get(path: string): unknown;
  get(path: string, fallback?: unknown): unknown {
    const src = this.source(path);
    if (src === undefined) return fallback;
    let raw: unknown;
    let where: string;
    switch (src) {
      case "flag":
        raw = this.#flags.get(path);
        where = `flag --${path}`;
        break;
      case "env":
        raw = this.#env[envNameOf(path)];
        where = `env ${envNameOf(path)}`;
        break;
      case "file":
        raw = lookup(this.#file, path);
        where = `file ${this.#fileName}`;
        break;
      default:
        raw = lookup(this.#defaults, path);
        where = "defaults";
    }
    const template = fallback === undefined ? lookup(this.#defaults, path) : fallback;
    return coerce(path, where, raw, template);
  }

  /** Like `get` but the key must be set somewhere. */
  require<T>(path: string, type: T): T {
    if (!this.has(path))
      throw frameworkError("WEGO_ERR_CONFIG_INVALID", path, "nowhere", `is required (set ${envNameOf(path)} or --${path})`);
    return this.get(path, type);
  }

  /** The merged tree: defaults, file, then env and flags for every key the first two know, plus every flag. */
  toObject(): Tree {
    const out: Tree = structuredClone(this.#defaults);
    for (const p of leaves(this.#file)) setPath(out, p, lookup(this.#file, p));
    for (const p of leaves(out)) {
      const env = this.#env[envNameOf(p)];
      if (env !== undefined) setPath(out, p, coerce(p, `env ${envNameOf(p)}`, env, lookup(out, p)));
    }
    for (const [p, v] of this.#flags) setPath(out, p, coerce(p, `flag --${p}`, v, lookup(out, p)));
    return out;
  }
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw frameworkError("WEGO_ERR_CONFIG_FILE", file, (err as Error).message);
  }
  try {
    const parsed = file.endsWith(".toml") ? parseToml(text) : JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("the top level must be an object");
    return parsed as Tree;
  } catch (err) {
    throw frameworkError("WEGO_ERR_CONFIG_FILE", file, (err as Error).message);
  }
}

function coerce(path: string, where: string, raw: unknown, template: unknown): unknown {
  const bad = (expected: string) =>
    frameworkError("WEGO_ERR_CONFIG_INVALID", path, where, `must be ${expected}, got ${JSON.stringify(raw)}`);
  if (template === undefined || template === null) return raw;
  if (typeof template === "number") {
    if (typeof raw === "number" && Number.isFinite(raw)) return raw;
    if (typeof raw === "string" && raw.trim() !== "") {
      const n = Number(raw);
      if (Number.isFinite(n)) return n;
    }
    throw bad("a number");
  }
  if (typeof template === "boolean") {
    if (typeof raw === "boolean") return raw;
    if (typeof raw === "string") {
      const v = raw.trim().toLowerCase();
      if (truthy.has(v)) return true;
      if (falsy.has(v)) return false;
    }
    throw bad("a boolean (true/false)");
  }
  if (typeof template === "string") {
    if (typeof raw === "string") return raw;
    if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
    throw bad("a string");
  }
  if (Array.isArray(template)) {
    if (Array.isArray(raw)) return raw;
    if (typeof raw === "string")
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    throw bad("a list");
  }
  if (typeof template === "object") {
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) return raw;
    if (typeof raw === "string") {
      try {
        const v = JSON.parse(raw);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
      } catch {
        // fall through to the error below
      }
    }
    throw bad("a JSON object");
  }
  return raw;
}
