import { type Catalogue, catalogueError, type WegoError } from "@wego/core";

/** Errors of the command router; each reason is listed in docs/errors.md (package `cli`). */
const reasons = {
  WEGO_ERR_CLI_USAGE: { code: "invalid_argument", message: "%s" },
  WEGO_ERR_CLI_INPUT_INVALID: { code: "invalid_argument", message: "%s" },
  WEGO_ERR_CLI_ROUTE_UNKNOWN: { code: "unimplemented", message: "%s" },
  WEGO_ERR_CLI_ROUTE_DUPLICATE: { code: "already_exists", message: "%s" },
} as const satisfies Catalogue;

export type CliErrorReason = keyof typeof reasons;

export function cliError(reason: CliErrorReason, message: string, cause?: unknown): WegoError {
  return catalogueError(reasons, reason, [message], cause === undefined ? {} : { cause });
}
