import { defineErrors } from "@wego/core/transport";

/**
 * The command router's errors; each reason is listed in docs/errors.md
 * (package `cli`, kept equal by cli-errors.test.ts). Input that is not JSON,
 * too deep or holds a forbidden key fails with core's `WEGO_ERR_INPUT_*`;
 * late and duplicate routes with `WEGO_ERR_ROUTE_LATE` / `WEGO_ERR_ROUTE_DUPLICATE`.
 */
export const cliError = defineErrors({
  WEGO_ERR_CLI_USAGE: { code: "invalid_argument", message: "cannot read the command line: %s" },
  WEGO_ERR_CLI_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no command route "%s" (known: %s)' },
  WEGO_ERR_CLI_NOT_STARTED: { code: "failed_precondition", message: "the command router is not started: exec() needs a started app" },
});

/** The reasons {@link cliError} builds. */
export type CliErrorReason = keyof typeof cliError.table;
