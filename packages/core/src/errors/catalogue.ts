import type { Code } from "./code.js";
import { WegoError, type WegoErrorOptions } from "./wego-error.js";

/**
 * Framework-misuse errors: each has a stable reason `WEGO_ERR_<AREA>_<WHAT>`,
 * a code and a message template, and is documented in docs/errors.md (a test
 * keeps the two lists equal).
 */
export const catalogue = {
  WEGO_ERR_HANDLER_UNKNOWN: { code: "failed_precondition", message: 'handler "%s" is not registered (known: %s)' },
  WEGO_ERR_HANDLER_DUPLICATE: { code: "already_exists", message: 'handler "%s" is already registered' },
  WEGO_ERR_ROUTER_UNKNOWN: { code: "invalid_argument", message: 'server "%s" is not a registered router (known: %s)' },
  WEGO_ERR_ROUTER_DUPLICATE: { code: "already_exists", message: 'router "%s" is already registered' },
  WEGO_ERR_ROUTER_START: { code: "unavailable", message: 'router "%s" failed to start: %s' },
  WEGO_ERR_APP_STATE: { code: "failed_precondition", message: "app is %s: %s" },
  WEGO_ERR_APP_STOPPING: { code: "unavailable", message: "the app is shutting down" },
  WEGO_ERR_NEXT_TWICE: { code: "internal", message: "next() called more than once in service %s" },
  WEGO_ERR_NOT_A_FUNCTION: { code: "internal", message: "%s must be a function or an object with %s, got %s" },
  WEGO_ERR_CONFIG_INVALID: { code: "invalid_argument", message: 'config key "%s" (from %s) %s' },
  WEGO_ERR_CONFIG_FILE: { code: "invalid_argument", message: 'config file "%s" cannot be read: %s' },
  WEGO_ERR_SHUTDOWN_DEADLINE: { code: "unavailable", message: "shutdown deadline reached before this invocation finished" },
  WEGO_ERR_OPTIONS_INVALID: { code: "invalid_argument", message: "%s: %s" },
  WEGO_ERR_NO_INSTANCE: { code: "unavailable", message: 'no instance of service "%s" serves %s' },
  WEGO_ERR_ID_WORKER_RANGE: { code: "invalid_argument", message: "snowflake worker id must be an integer from 0 to 1023, got %s" },
  WEGO_ERR_ID_EPOCH: { code: "invalid_argument", message: "snowflake epoch %s %s" },
  WEGO_ERR_ID_CLOCK_BACKWARDS: {
    code: "unavailable",
    message: "the clock moved back %s ms, more than maxBackwardMs (%s); no ids until it catches up, so none can repeat",
  },
  WEGO_ERR_ID_INVALID: { code: "invalid_argument", message: "not a snowflake id: %s" },
  WEGO_ERR_ID_NOT_READY: {
    code: "failed_precondition",
    message: "app ids used before the worker id lease was acquired (at start, after register)",
  },
  WEGO_ERR_CACHE_VALUE: { code: "invalid_argument", message: 'cache value for "%s" is not JSON: %s' },
  WEGO_ERR_ROUTE_LATE: {
    code: "failed_precondition",
    message: '%s route "%s" registered after the router started; register routes before start',
  },
  WEGO_ERR_ROUTE_DUPLICATE: { code: "already_exists", message: '%s route "%s" is already registered' },
  WEGO_ERR_INPUT_TOO_DEEP: { code: "invalid_argument", message: "input is nested deeper than %s levels" },
  WEGO_ERR_INPUT_KEY: { code: "invalid_argument", message: 'input holds the forbidden key "%s"' },
  WEGO_ERR_INPUT_TOO_LARGE: { code: "invalid_argument", message: "input is larger than %s bytes" },
  WEGO_ERR_INPUT_NOT_JSON: { code: "invalid_argument", message: "input is not valid JSON: %s" },
  WEGO_ERR_INPUT_INVALID: { code: "invalid_argument", message: "invalid input: %s" },
  WEGO_ERR_OUTPUT_INVALID: { code: "internal", message: 'handler "%s" returned output its schema refuses: %s' },
  WEGO_ERR_GOV_RATE_LIMITED: { code: "resource_exhausted", message: 'rate limit of marker "%s" exceeded (%s a second, burst %s)' },
  WEGO_ERR_GOV_CIRCUIT_OPEN: { code: "unavailable", message: 'circuit of marker "%s" is open (%s)' },
  WEGO_ERR_GOV_FAULT: { code: "unavailable", message: 'fault injected by marker "%s"' },
} as const satisfies Record<string, { code: Code; message: string }>;

export type CatalogueReason = keyof typeof catalogue;

/** A table of catalogued errors: reason → code and `%s` message template. */
export type Catalogue = Readonly<Record<string, { readonly code: Code; readonly message: string }>>;

/**
 * Build the error `reason` of `table`, filling `%s` in order with `args`.
 * Every package keeps its own table (documented in docs/errors.md) and
 * builds its errors through this one function.
 */
export function catalogueError<C extends Catalogue>(
  table: C,
  reason: keyof C & string,
  args: readonly unknown[] = [],
  options: Omit<WegoErrorOptions, "reason"> = {},
): WegoError {
  const entry = table[reason] as { code: Code; message: string };
  let i = 0;
  const message = entry.message.replace(/%s/g, () => String(args[i++]));
  return new WegoError(entry.code, message, { ...options, reason });
}

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export function frameworkError(reason: CatalogueReason, ...args: unknown[]): WegoError {
  return catalogueError(catalogue, reason, args);
}
