import { cliCodes } from "@wego/cli";
import { type App, WegoError } from "@wego/core";

/** Codes that mean a fault in the program rather than a refusal: their stack is what a developer needs. */
const faults = new Set(["internal", "unknown", "data_loss"]);

/**
 * Report a failed `app.start()` the way a command-line tool does: one line on
 * stderr — `exam: cannot start: server "nope" is not a registered router
 * (known: grpc, http, …) [WEGO_ERR_ROUTER_UNKNOWN]` — and the exit code of
 * the error's code as `@wego/cli` maps them (docs/errors.md, "CLI exit"):
 * 2 for a bad `--server` or config value, 8 for a failed precondition, 11 for
 * a service that is not there. A refusal is not a fault, so it gets no stack
 * and no JSON log line (stdout stays empty); a fault (`internal`, `unknown`,
 * `data_loss`) is also logged at `fatal` with its stack.
 *
 * Returns the exit code, which it also sets as `process.exitCode`.
 */
export function reportStartFailure(app: App, err: unknown, stderr: Pick<NodeJS.WriteStream, "write"> = process.stderr): number {
  const e = WegoError.from(err);
  const reason = e.reason === undefined ? "" : ` [${e.reason}]`;
  // One line, whatever the message holds: a multi-line cause would read as several errors.
  stderr.write(`${app.name}: cannot start: ${e.rawMessage.replace(/\s*\n\s*/g, " ")}${reason}\n`);
  if (faults.has(e.code)) app.log.fatal({ err }, "%s failed to start", app.name);
  const code = cliCodes.toWire(e);
  process.exitCode = code;
  return code;
}
