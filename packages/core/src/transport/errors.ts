import { type Catalogue, catalogueError } from "../errors/catalogue.js";
import type { Code } from "../errors/code.js";
import type { WegoError, WegoErrorOptions } from "../errors/wego-error.js";

/** Builds the catalogued errors of one package: `error(reason, ...args)` fills the `%s` of its message in order. */
export interface ErrorFactory<C extends Catalogue> {
  (reason: keyof C & string, ...args: unknown[]): WegoError;
  /** The same, with `details`, `retryAfterMs` or `cause`. */
  with(options: Omit<WegoErrorOptions, "reason">): (reason: keyof C & string, ...args: unknown[]) => WegoError;
  /** The table, for the docs test (`catalogueCodes(error.table)`). */
  readonly table: C;
}

/**
 * The one way a package builds its catalogued errors (documented in
 * docs/errors.md, kept equal by a test). Every transport uses it with the
 * same call shape.
 *
 * @example
 * const queueError = defineErrors({ WEGO_ERR_QUEUE_X: { code: "invalid_argument", message: "job %s is bad: %s" } });
 * throw queueError("WEGO_ERR_QUEUE_X", job.id, why);
 */
export function defineErrors<const C extends Catalogue>(table: C): ErrorFactory<C> {
  const make = (reason: keyof C & string, ...args: unknown[]): WegoError => catalogueError(table, reason, args);
  make.with =
    (options: Omit<WegoErrorOptions, "reason">) =>
    (reason: keyof C & string, ...args: unknown[]): WegoError =>
      catalogueError(table, reason, args, options);
  Object.defineProperty(make, "table", { value: table });
  return make as ErrorFactory<C>;
}

/** A transport's mapping between wego's codes and its wire (HTTP status, gRPC status, exit code, retry policy…). */
export interface CodeMap<W> {
  /** The wire value for an error (its reason may pick a more precise one than its code). */
  toWire(error: WegoError | Code): W;
  /** The code for a wire value a peer sent. */
  fromWire(wire: W): Code;
}

export interface CodeMapOptions<W> {
  /** The wire value of every code. */
  byCode: Readonly<Record<Code, W>>;
  /** Reasons whose wire value differs from their code's (e.g. HTTP 413 for a body too large). */
  byReason?: Readonly<Record<string, W>>;
  /** Codes for wire values that several codes share or that peers send on their own; checked before the inverse of `byCode`. */
  fromWire?: ReadonlyMap<W, Code>;
  /** The code for a wire value nothing maps. */
  fallback: Code;
}

/** Build a {@link CodeMap}: the same two verbs on every transport. */
export function defineCodeMap<W>(options: CodeMapOptions<W>): CodeMap<W> {
  const { byCode, byReason, fallback } = options;
  const inverse = new Map<W, Code>();
  for (const [code, wire] of Object.entries(byCode) as Array<[Code, W]>) if (!inverse.has(wire)) inverse.set(wire, code);
  if (options.fromWire !== undefined) for (const [w, c] of options.fromWire) inverse.set(w, c);
  return {
    toWire(error) {
      if (typeof error === "string") return byCode[error];
      if (byReason !== undefined && error.reason !== undefined) {
        const w = byReason[error.reason];
        if (w !== undefined) return w;
      }
      return byCode[error.code];
    },
    fromWire(wire) {
      return inverse.get(wire) ?? fallback;
    },
  };
}
