import { type Code, isBadInput, isCode, publicMessage, WegoError } from "@wego/core";

/**
 * The queue's wire for errors. A job that throws is either retried (with the
 * job's backoff) or failed at once: codes that describe the input
 * (`isBadInput`: invalid_argument, not_found, permission_denied…) can't get
 * better by retrying, so they become BullMQ's UnrecoverableError and go
 * straight to the dead letters. Everything else retries; `resource_exhausted`
 * with a `retryAfterMs` hint waits that long first.
 */
export function failsAtOnce(code: Code): boolean {
  return isBadInput(code);
}

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
