import type { Code } from "@wego/core";
import { type CodeMap, defineCodeMap } from "@wego/core/transport";

/**
 * The process exit code for each error code: 0 is success, every code has its
 * own number (docs/errors.md, "CLI exit" column, which a test keeps equal).
 * 1 is the generic failure (internal), 2 bad input and usage (the shell
 * convention), 130 cancellation (as after Ctrl-C).
 */
export const exitCodes: Readonly<Record<Code, number>> = {
  internal: 1,
  invalid_argument: 2,
  not_found: 3,
  deadline_exceeded: 4,
  already_exists: 5,
  permission_denied: 6,
  resource_exhausted: 7,
  failed_precondition: 8,
  aborted: 9,
  unimplemented: 10,
  unavailable: 11,
  unauthenticated: 12,
  out_of_range: 13,
  unknown: 14,
  data_loss: 15,
  cancelled: 130,
};

/**
 * The CLI's code map, with exit codes overridden per code by `custom`:
 * `toWire(error | code)` is the exit code of a failure, `fromWire(exit)` the
 * code of a failed process's exit code (`unknown` for one no code maps; 0 is
 * success, not a code). The same two verbs as every transport's code map.
 */
export function exitCodeMap(custom: Partial<Record<Code, number>> = {}): CodeMap<number> {
  return defineCodeMap({ byCode: { ...exitCodes, ...custom }, fallback: "unknown" });
}

/** The default {@link exitCodeMap}: `cliCodes.toWire(err)` is what a failed command exits with. */
export const cliCodes: CodeMap<number> = exitCodeMap();
