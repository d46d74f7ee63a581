// Over 400 lines on purpose: the layers (defaults < file < env < flags <
// distributed source), their merge, coercion and the live part (watched file,
// attached source, watch listeners that may refuse a change) share one merged
// tree and its invariants; split, each half would reach into the other's state.
import { type FSWatcher, watch as fsWatch, readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
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

export type ConfigSource = "remote" | "flag" | "env" | "file" | "default";

/**
 * A distributed layer above all others (etcd: `@wego/etcd`): it pushes its
 * whole tree at start and on every change. Attach it with `config.attach`.
 */
export interface DynamicConfigSource {
  /** Named in logs (`etcd 127.0.0.1:2379 /app/`). */
  readonly name: string;
  /** Load the tree, then call `push` with each new tree until `close`. */
  start(push: (tree: Record<string, unknown>) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Told of a watched key's new value. Throwing refuses the change: the key
 * keeps its last good value (for `get` too) and the refusal is logged with
 * the key and the thrown reason.
 */
export type ConfigListener = (value: unknown, previous: unknown) => void;

/** Where refusals and reload failures are reported (the app's logger, once it exists). */
export interface ConfigLog {
  warn(obj: object, msg: string, ...args: unknown[]): void;
  info(obj: object, msg: string, ...args: unknown[]): void;
}

/** How long the file must be quiet before it is read again (editors write in several steps). */
const FILE_DEBOUNCE_MS = 50;

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

function isTree(v: unknown): v is Tree {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `b` over `a`, objects merged key by key (a copy; neither is changed). */
function deepMerge(a: unknown, b: unknown): unknown {
  if (!isTree(a) || !isTree(b)) return b === undefined ? a : b;
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
  return out;
}

/**
 * Layered configuration: defaults < file < `WEGO_*` env < `--flags` <
 * a distributed source (`attach`). The file and the source are watched once
 * a key is (`watch`): a change reaches the key's listeners within the
 * debounce, and a listener that throws refuses it (last good value kept). Values
 * from env and flags are strings, coerced to the type of the fallback the
 * reader passes; a value that doesn't fit fails with a message naming the
 * key and where it came from.
 */
export class Config {
  readonly #defaults: Tree;
  #file: Tree;
  readonly #fileName: string | undefined;
  #remote: Tree = {};
  readonly #sources: DynamicConfigSource[] = [];
  readonly #listeners = new Map<string, Set<ConfigListener>>();
  /** Last good values of keys whose latest change was refused. */
  readonly #pins = new Map<string, unknown>();
  #fileWatcher: FSWatcher | undefined;
  #fileTimer: NodeJS.Timeout | undefined;
  #log: ConfigLog | undefined;
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
    if (lookup(this.#remote, path) !== undefined) return "remote";
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
    if (this.#pins.size > 0) {
      const pinned = this.#pinned(path);
      if (pinned !== undefined) return pinned.value === undefined ? fallback : pinned.value;
    }
    const src = this.source(path);
    if (src === undefined) return fallback;
    let raw: unknown;
    let where: string;
    switch (src) {
      case "remote":
        raw = lookup(this.#remote, path);
        where = "the distributed source";
        break;
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

  /** A pinned (refused-then-kept) value covering `path`, if any. */
  #pinned(path: string): { value: unknown } | undefined {
    for (const [key, value] of this.#pins) {
      if (path === key) return { value };
      if (path.startsWith(`${key}.`)) return { value: lookup(value as Tree, path.slice(key.length + 1)) };
    }
    return undefined;
  }

  /**
   * The value at `path` with objects merged across layers (defaults < file <
   * env/flag JSON < distributed source): a source can add one rule to a tree
   * the file holds. Scalars as `get` gives them.
   */
  merged(path: string): unknown {
    if (this.#pins.size > 0) {
      const pinned = this.#pinned(path);
      if (pinned !== undefined) return pinned.value;
    }
    let out: unknown;
    for (const layer of [this.#defaults, this.#file]) out = deepMerge(out, structuredClone(lookup(layer, path)));
    const env = this.#env[envNameOf(path)];
    const flag = this.#flags.get(path);
    for (const text of [env, flag]) {
      if (text === undefined) continue;
      let v: unknown = text;
      if (isTree(out)) {
        try {
          v = JSON.parse(text);
        } catch {
          // not JSON: a scalar string overriding the tree
        }
      }
      out = deepMerge(out, v);
    }
    return deepMerge(out, structuredClone(lookup(this.#remote, path)));
  }

  /** Where refusals and reload failures are logged (the app sets its logger). */
  useLog(log: ConfigLog): void {
    this.#log = log;
  }

  /**
   * Call `listener` with the new value of `key` (as {@link merged} gives it)
   * whenever the watched file or a distributed source changes it. A listener
   * that throws refuses the change: `get`/`merged` keep the last good value,
   * listeners already told are told the old value back, and a warning names
   * the key and the reason. Returns the unsubscribe function; the file is
   * watched while any key is.
   */
  watch(key: string, listener: ConfigListener): () => void {
    let set = this.#listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    this.#watchFile();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
      if (this.#listeners.size === 0) this.#unwatchFile();
    };
  }

  /**
   * Add a distributed source as the top layer: its first tree is loaded
   * before this resolves (listeners are told of what it changes), later
   * ones apply as they come.
   */
  async attach(source: DynamicConfigSource): Promise<void> {
    this.#sources.push(source);
    await source.start((tree) =>
      this.#change(() => {
        this.#remote = tree;
      }, source.name),
    );
  }

  /** Stop watching the file and close every attached source. */
  async close(): Promise<void> {
    this.#unwatchFile();
    const sources = this.#sources.splice(0);
    await Promise.all(sources.map((s) => s.close()));
  }

  /** Re-read the watched file now (what the watcher does after a change settles). */
  reload(): void {
    const name = this.#fileName;
    if (name === undefined) return;
    let tree: Tree;
    try {
      tree = readConfigFile(name);
    } catch (err) {
      this.#log?.warn({ file: name, reason: (err as Error).message }, "config file change refused: %s", (err as Error).message);
      return;
    }
    this.#change(() => {
      this.#file = tree;
    }, `file ${name}`);
  }

  #watchFile(): void {
    const name = this.#fileName;
    if (name === undefined || this.#fileWatcher !== undefined) return;
    // The directory, not the file: editors and `mv` replace the file, which ends a watch on it.
    const base = basename(name);
    try {
      this.#fileWatcher = fsWatch(dirname(name), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== base) return;
        if (this.#fileTimer !== undefined) clearTimeout(this.#fileTimer);
        this.#fileTimer = setTimeout(() => {
          this.#fileTimer = undefined;
          this.reload();
        }, FILE_DEBOUNCE_MS);
        this.#fileTimer.unref();
      });
    } catch (err) {
      this.#log?.warn({ file: name, err }, "config file cannot be watched; changes need a restart");
    }
  }

  #unwatchFile(): void {
    this.#fileWatcher?.close();
    this.#fileWatcher = undefined;
    if (this.#fileTimer !== undefined) clearTimeout(this.#fileTimer);
    this.#fileTimer = undefined;
  }

  /** Swap a layer, then tell each watched key's listeners of its new value; a refusal pins the old one. */
  #change(swap: () => void, where: string): void {
    const before = new Map<string, unknown>();
    for (const key of this.#listeners.keys()) before.set(key, this.merged(key));
    swap();
    for (const [key, set] of this.#listeners) {
      const pinnedBefore = this.#pins.get(key);
      this.#pins.delete(key);
      const value = this.merged(key);
      const previous = before.get(key);
      if (isDeepStrictEqual(value, previous)) {
        if (pinnedBefore !== undefined) this.#pins.set(key, pinnedBefore);
        continue;
      }
      const told: ConfigListener[] = [];
      try {
        for (const l of set) {
          l(value, previous);
          told.push(l);
        }
        this.#log?.info({ key, from: where }, "config %s changed", key);
      } catch (err) {
        this.#pins.set(key, previous);
        const reason = err instanceof Error ? err.message : String(err);
        this.#log?.warn({ key, from: where, reason }, 'config change to "%s" refused, last good value kept: %s', key, reason);
        for (const l of told) {
          try {
            l(previous, value);
          } catch {
            // it accepted this value before
          }
        }
      }
    }
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
