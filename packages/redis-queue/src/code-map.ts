import { Code, isCode, publicMessage, WegoError } from "@wego/core";
import { type CodeMap, defineCodeMap, isBadInput } from "@wego/core/transport";

/** What the queue does with a failed run: try again with the job's backoff, or fail it at once to the dead letters. */
export type QueueWire = "retry" | "fail";

const byCode = {} as Record<Code, QueueWire>;
for (const code of Object.values(Code)) byCode[code] = isBadInput(code) ? "fail" : "retry";

/**
 * The queue's code map. `toWire(error)`: codes that describe the input
 * (`isBadInput`: invalid_argument, not_found, permission_denied…) can't get
 * better by retrying, so they fail at once (BullMQ's UnrecoverableError,
 * straight to the dead letters); everything else retries with the job's
 * backoff (`resource_exhausted` with a `retryAfterMs` hint waits that long
 * first). `fromWire`: "retry" reads as `unavailable` (transient), "fail" as
 * `invalid_argument`.
 *
 * @example
 * queueCodes.toWire(new WegoError("not_found", "no such user")); // "fail"
 */
export const queueCodes: CodeMap<QueueWire> = defineCodeMap<QueueWire>({
  byCode,
  fromWire: new Map<QueueWire, Code>([
    ["retry", "unavailable"],
    ["fail", "invalid_argument"],
  ]),
  fallback: "unknown",
});

/**
 * A job's `failedReason` in Redis: `[code] message` or `[code:REASON] message`,
 * readable in any BullMQ dashboard and decoded back by {@link decodeFailure}.
 * With `expose` false (production) internal messages are replaced by a generic
 * text, as on every other transport; the full error goes to the log.
 */
export function encodeFailure(err: WegoError, expose: boolean): string {
  const head = err.reason === undefined ? err.code : `${err.code}:${err.reason}`;
  return `[${head}] ${publicMessage(err, expose)}`;
}

const failureShape = /^\[([a-z_]+)(?::([^\]]*))?\] ([\s\S]*)$/;

/** A `failedReason` back to a WegoError; reasons written by others become `unknown`. */
export function decodeFailure(failedReason: string | undefined): WegoError {
  const m = failureShape.exec(failedReason ?? "");
  if (m !== null && isCode(m[1])) {
    return new WegoError(m[1], m[3], m[2] === undefined ? {} : { reason: m[2] });
  }
  return new WegoError("unknown", failedReason || "job failed");
}
