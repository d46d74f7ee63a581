import type { Code } from "@wego/core";

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

/** The exit code for `code` (0 for `"ok"`), with overrides from `custom`. */
export function exitCodeOf(code: Code | "ok", custom?: Partial<Record<Code, number>>): number {
  if (code === "ok") return 0;
  return custom?.[code] ?? exitCodes[code] ?? 1;
}
