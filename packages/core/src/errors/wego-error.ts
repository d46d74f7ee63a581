import { type Code, isCode, isExposable } from "./code.js";

const brand = Symbol.for("wego.error");

export interface WegoErrorOptions {
  /** An application reason a client can switch on (e.g. "USER_BLOCKED", or a legacy "9020"). */
  reason?: string;
  /** Data safe to send to the caller, e.g. the failing fields of a validation. */
  details?: unknown;
  /** Hint for clients (HTTP Retry-After, queue delay). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error class of wego: a closed `code`, an optional application
 * `reason`, caller-safe `details`. `message` is prefixed with the code for
 * logs; `rawMessage` is what an envelope shows.
 */
export class WegoError extends Error {
  readonly code: Code;
  readonly rawMessage: string;
  readonly reason: string | undefined;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(code: Code, message?: string, options: WegoErrorOptions = {}) {
    const raw = message ?? code.replaceAll("_", " ");
    super(`[${code}] ${raw}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WegoError";
    this.code = code;
    this.rawMessage = raw;
    this.reason = options.reason;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether `rawMessage` may be shown to a caller (false for internal faults). */
  get exposable(): boolean {
    return isExposable(this.code);
  }

  /** `instanceof` across duplicate installs of @wego/core. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  /**
   * Normalise anything thrown: a WegoError passes through; an AbortError
   * becomes `cancelled`, a TimeoutError `deadline_exceeded`; anything else
   * becomes `fallback` (default `internal`) with the original as `cause`.
   */
  static from(err: unknown, fallback: Code = "internal"): WegoError {
    if (err instanceof WegoError) return err;
    if (err instanceof Error || (typeof err === "object" && err !== null)) {
      const e = err as { name?: unknown; message?: unknown; code?: unknown };
      const message = typeof e.message === "string" ? e.message : String(err);
      if (e.name === "TimeoutError") return new WegoError("deadline_exceeded", message, { cause: err });
      if (e.name === "AbortError") {
        const reason = (err as { cause?: unknown }).cause;
        if (reason instanceof WegoError) return reason;
        return new WegoError("cancelled", message, { cause: err });
      }
      // A plain object shaped like a wego error (e.g. decoded from another service).
      if (!(err instanceof Error) && isCode(e.code)) return new WegoError(e.code, message, { cause: err });
      return new WegoError(fallback, message, { cause: err });
    }
    return new WegoError(fallback, String(err), { cause: err });
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.rawMessage, reason: this.reason, details: this.details };
  }
}

Object.defineProperty(WegoError.prototype, brand, { value: true });
// Loggers name an error by its constructor (pino's `type`). A bundler may
// rename the class binding (esbuild: `_WegoError` when it needs the name for
// a static member); its own `name` is set here instead of bundling with
// keepNames, which wraps every function in a naming call and made each
// invocation ~1.8× slower (bench/core chain-parts).
Object.defineProperty(WegoError, "name", { value: "WegoError" });
