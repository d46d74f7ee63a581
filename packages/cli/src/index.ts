/**
 * @module @wego/cli — the one-shot command router: run one handler from argv
 * or stdin, print the envelope as JSON, exit with a code mapped from the
 * error code; list routes.
 */
export { type CliErrorReason, cliError } from "./cli-errors.js";
export { type CliIo, type CliRouter, type CliRouterOptions, createCliRouter, isCommandMode } from "./cli-router.js";
export { cliCodes, exitCodeMap, exitCodes } from "./code-map.js";
export { type CommandLine, coerceValue, parseCommandLine } from "./command-line.js";
