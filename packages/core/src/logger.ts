import { type Logger, type LoggerOptions as PinoOptions, pino, type TransportTargetOptions } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  name?: string;
  /** pino level; default `info`, or `LOG_LEVEL` when set. `silent` turns logging off. */
  level?: string;
  /** Human-readable lines (pino-pretty, in a worker thread). Default: a TTY outside production. */
  pretty?: boolean;
  /** 1 = stdout (default), 2 = stderr (what the CLI uses, so stdout carries only results). */
  fd?: 1 | 2;
  /** Also write JSON to rotating files (pino-roll), e.g. `{ path: "logs/app.log", frequency: "daily", keep: 7 }`. */
  file?: { path: string; frequency?: "daily" | "hourly" | number; size?: string; keep?: number };
  production?: boolean;
}

/**
 * A pino logger: JSON lines in production, pretty in development, optionally
 * to rotating files too. Pretty printing and files run in pino's transport
 * worker thread, off the request path.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const production = options.production ?? process.env.NODE_ENV === "production";
  const fd = options.fd ?? 1;
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const stream = fd === 2 ? process.stderr : process.stdout;
  const pretty = options.pretty ?? (!production && stream.isTTY === true);
  const base: PinoOptions = { level, ...(options.name ? { name: options.name } : {}) };
  if (level === "silent") return pino({ ...base, enabled: false });
  const targets: TransportTargetOptions[] = [];
  if (pretty) targets.push({ target: "pino-pretty", level, options: { destination: fd, colorize: true } });
  if (options.file) {
    targets.push({
      target: "pino-roll",
      level,
      options: {
        file: options.file.path,
        frequency: options.file.frequency ?? "daily",
        ...(options.file.size ? { size: options.file.size } : {}),
        mkdir: true,
        ...(options.file.keep ? { limit: { count: options.file.keep } } : {}),
      },
    });
    if (!pretty) targets.push({ target: "pino/file", level, options: { destination: fd } });
  }
  if (targets.length === 0) return pino(base, pino.destination({ dest: fd, sync: true }));
  return pino(base, pino.transport({ targets }));
}
