import { createRequire } from "node:module";
import { join } from "node:path";
import { type Logger, type LoggerOptions as PinoOptions, pino, type TransportTargetOptions } from "pino";
import { frameworkError } from "./errors/catalogue.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  name?: string;
  /** pino level; default `info`, or `LOG_LEVEL` when set. `silent` turns logging off. */
  level?: string;
  /**
   * Human-readable lines (pino-pretty, in a worker thread; an optional peer:
   * `npm i pino-pretty`). Default: a TTY outside production when pino-pretty
   * is installed. `true` without it fails with `WEGO_ERR_OPTIONS_INVALID`.
   */
  pretty?: boolean;
  /** 1 = stdout (default), 2 = stderr (what the CLI uses, so stdout carries only results), false = none (files only). */
  fd?: 1 | 2 | false;
  /**
   * Also write JSON to rotating files (pino-roll, an optional peer: `npm i pino-roll`),
   * e.g. `{ path: "logs/app.log", frequency: "daily", keep: 7 }`; `size` rolls by size too (`"10m"`).
   */
  file?: { path: string; frequency?: "daily" | "hourly" | number; size?: string; keep?: number };
  production?: boolean;
}

const requireHere = createRequire(import.meta.url);

/**
 * The path of an optional peer (pino-pretty, pino-roll), resolved from
 * @wego/core first and then from the app's own folder, or undefined when it
 * isn't installed. pino loads a transport by name from its own location,
 * which can't see an app's package under pnpm's strict layout; an absolute
 * path works wherever the app installed it.
 */
function optionalPeer(id: string): string | undefined {
  for (const from of [requireHere, createRequire(join(process.cwd(), "package.json"))]) {
    try {
      return from.resolve(id);
    } catch {
      // not installed here: try the next place
    }
  }
  return undefined;
}

function requirePeer(id: string, option: string): string {
  const path = optionalPeer(id);
  if (path === undefined) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "createLogger", `${option} needs ${id}: npm i ${id}`);
  return path;
}

/**
 * A pino logger: JSON lines in production, pretty in development, optionally
 * to rotating files too. Pretty printing and files run in pino's transport
 * worker thread, off the request path, and their packages are optional peers
 * loaded only when asked for (an app that logs JSON to stdout never loads them).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const production = options.production ?? process.env.NODE_ENV === "production";
  const fd = options.fd ?? 1;
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const base: PinoOptions = { level, ...(options.name ? { name: options.name } : {}) };
  if (level === "silent") return pino({ ...base, enabled: false });
  const targets: TransportTargetOptions[] = [];
  if (fd !== false) {
    const tty = (fd === 2 ? process.stderr : process.stdout).isTTY === true;
    // Asked for: pino-pretty must be there. Defaulted (a TTY in development): only if it is.
    const pretty =
      options.pretty === true
        ? requirePeer("pino-pretty", "pretty: true")
        : options.pretty === undefined && !production && tty
          ? optionalPeer("pino-pretty")
          : undefined;
    if (pretty !== undefined) targets.push({ target: pretty, level, options: { destination: fd, colorize: true } });
    else if (options.file) targets.push({ target: "pino/file", level, options: { destination: fd } });
    else return pino(base, pino.destination({ dest: fd, sync: true }));
  }
  if (options.file) {
    targets.push({
      target: requirePeer("pino-roll", "file"),
      level,
      options: {
        file: options.file.path,
        frequency: options.file.frequency ?? "daily",
        ...(options.file.size ? { size: options.file.size } : {}),
        mkdir: true,
        ...(options.file.keep ? { limit: { count: options.file.keep } } : {}),
      },
    });
  }
  if (targets.length === 0) return pino({ ...base, enabled: false });
  return pino(base, pino.transport({ targets }));
}
