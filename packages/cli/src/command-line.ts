import { defaultInputLimits, type InputLimits, parseJson } from "@wego/core/transport";
import { cliError } from "./cli-errors.js";

/** What one command line asks for. */
export interface CommandLine {
  action: "run" | "list" | "help" | "none";
  /** The route to run (`run <route>` or `--cmd <route>`). */
  route?: string;
  /** The input given on the line (JSON argument, `--args`, `--key value` pairs); undefined when none was. */
  input?: unknown;
  /** Read the input from stdin (`-`, `--args -`). */
  stdin: boolean;
  /** `--key value` pairs after `run <route>`, in order (already merged into `input` unless `stdin`). */
  flags: ReadonlyArray<readonly [string, unknown]>;
  /** `--request-id <id>`. */
  requestId?: string;
  /** `--timeout <ms>`: the command's deadline, in ms from when it starts. */
  timeoutMs?: number;
  /** `--pretty` / `--compact`; undefined: decide by the terminal. */
  pretty?: boolean;
}

/** Global flags that take no value, so `--list run x` is not read as `list=run`. */
const booleans = new Set(["list", "help", "pretty", "compact"]);

/**
 * A command-line value: JSON literals (numbers that fit a double exactly,
 * true, false, null, objects, arrays) are parsed, anything else stays a string.
 */
export function coerceValue(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw === "null") return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) {
    const n = Number(raw);
    // "12345678901234567890" or "0.1000000000000000055" would lose digits: keep the text.
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n)) && String(n) === raw) return n;
    return raw;
  }
  if (raw.startsWith("{") || raw.startsWith("[")) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

const forbidden = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Set `a.b.c` in `target`, creating objects on the way. A key given twice on
 * the line collects its values in an array; a key from the JSON argument is
 * simply overridden.
 */
function assign(target: Record<string, unknown>, path: string, value: unknown, given: Set<string>): void {
  const segs = path.split(".");
  if (segs.some((s) => s === "" || forbidden.has(s))) throw cliError("WEGO_ERR_CLI_USAGE", `bad input flag --${path}`);
  let cur = target;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  const last = segs[segs.length - 1] as string;
  if (!given.has(path)) cur[last] = value;
  else if (Array.isArray(cur[last])) (cur[last] as unknown[]).push(value);
  else cur[last] = [cur[last], value];
  given.add(path);
}

/** Apply `--key value` pairs to a copy of `base` (an object, or nothing). */
export function mergeFlags(base: unknown, flags: ReadonlyArray<readonly [string, unknown]>): unknown {
  if (flags.length === 0) return base;
  if (base !== undefined && (base === null || typeof base !== "object" || Array.isArray(base))) {
    throw cliError("WEGO_ERR_CLI_USAGE", "--key value pairs can only be merged into a JSON object input");
  }
  const target = base === undefined ? {} : (structuredClone(base) as Record<string, unknown>);
  const given = new Set<string>();
  for (const [path, value] of flags) assign(target, path, value, given);
  return target;
}

/** `--timeout` value: a positive number of ms. */
function timeoutOf(value: string): number {
  const ms = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(ms > 0))
    throw cliError("WEGO_ERR_CLI_USAGE", `--timeout needs a positive number of ms, got "${value}"`);
  return ms;
}

/** `--name=value` / `--name value` / `--name`: the name, the value, and how many tokens it took. */
function flagAt(argv: readonly string[], i: number, boolean: (name: string) => boolean): [string, string | undefined, number] {
  const token = argv[i] as string;
  const eq = token.indexOf("=");
  if (eq > 2) return [token.slice(2, eq), token.slice(eq + 1), 1];
  const name = token.slice(2);
  const next = argv[i + 1];
  if (boolean(name) || next === undefined || next.startsWith("--")) return [name, undefined, 1];
  return [name, next, 2];
}

/**
 * Read a command line. Before the command: the original wego's `--cmd <route>
 * --args <json>`, `--list`, `--help`, `--request-id <id>`, `--timeout <ms>`,
 * `--pretty` / `--compact`; any other `--flag [value]` is left to the app's
 * config (`--server command`, `--http.port 8080`). Then `run <route> [json |
 * -] [--key value …]` (dotted keys nest, repeated keys collect, JSON literals
 * are parsed), or `list` / `help`. JSON input goes through core's `parseJson`
 * with `limits` (not JSON, too large, too deep or a `__proto__` key:
 * `invalid_argument`, `WEGO_ERR_INPUT_*`).
 */
export function parseCommandLine(argv: readonly string[], limits: InputLimits = defaultInputLimits): CommandLine {
  const line: CommandLine = { action: "none", stdin: false, flags: [] };
  let args: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") continue;
    if (token === "-h") {
      line.action = "help";
      continue;
    }
    if (token.startsWith("--")) {
      const [name, value, used] = flagAt(argv, i, (n) => booleans.has(n));
      i += used - 1;
      if (name === "help") line.action = "help";
      else if (name === "list" && line.action !== "help") line.action = "list";
      else if (name === "pretty") line.pretty = true;
      else if (name === "compact") line.pretty = false;
      else if (name === "cmd" || name === "args" || name === "request-id" || name === "timeout") {
        if (value === undefined) throw cliError("WEGO_ERR_CLI_USAGE", `--${name} needs a value`);
        if (name === "cmd") line.route = value;
        else if (name === "args") args = value;
        else if (name === "timeout") line.timeoutMs = timeoutOf(value);
        else line.requestId = value;
      }
      continue;
    }
    // The first bare word is the command.
    if (token === "run" || token === "list" || token === "help") break;
    throw cliError("WEGO_ERR_CLI_USAGE", `unknown command "${token}" (expected run, list or help)`);
  }
  const command = argv[i];
  if (command === "help") line.action = "help";
  if (command === "list" && line.action !== "help") line.action = "list";
  if (line.action !== "none") return line;

  if (command === "run") {
    if (line.route !== undefined) throw cliError("WEGO_ERR_CLI_USAGE", "give the route either as --cmd or after run, not both");
    const route = argv[i + 1];
    if (route === undefined || route.startsWith("-"))
      throw cliError("WEGO_ERR_CLI_USAGE", "run needs a route: run <route> [json | -] [--key value …]");
    line.route = route;
    readRunInput(argv.slice(i + 2), line, limits);
  } else if (line.route !== undefined) {
    if (args === "-") line.stdin = true;
    else if (args !== undefined) line.input = parseJson(args, limits);
  } else if (args !== undefined) {
    throw cliError("WEGO_ERR_CLI_USAGE", "--args needs --cmd <route>");
  } else return line;
  line.action = "run";
  return line;
}

/** `[json | -] [--key value …]` after `run <route>`. */
function readRunInput(rest: readonly string[], line: CommandLine, limits: InputLimits): void {
  let base: unknown;
  const flags: Array<[string, unknown]> = [];
  for (let j = 0; j < rest.length; j++) {
    const token = rest[j] as string;
    if (token === "--") continue;
    if (token.startsWith("--")) {
      const [name, value, used] = flagAt(rest, j, () => false);
      j += used - 1;
      flags.push([name, value === undefined ? true : coerceValue(value)]);
    } else if (token === "-" && base === undefined && !line.stdin) line.stdin = true;
    else if ((token.startsWith("{") || token.startsWith("[")) && base === undefined && !line.stdin) base = parseJson(token, limits);
    else
      throw cliError(
        "WEGO_ERR_CLI_USAGE",
        `unexpected argument "${token}" after the route (give one JSON value or "-", then --key value pairs)`,
      );
  }
  line.flags = flags;
  // With stdin the base arrives later; the router merges the flags onto it.
  line.input = line.stdin ? undefined : mergeFlags(base, flags);
}
