/**
 * The closed set of error codes: the 16 non-OK gRPC status codes, spelled in
 * snake_case. Every transport maps these to its own wire (HTTP status, gRPC
 * status, WebSocket error frame, CLI exit code, queue retry policy).
 */
export const Code = {
  Cancelled: "cancelled",
  Unknown: "unknown",
  InvalidArgument: "invalid_argument",
  DeadlineExceeded: "deadline_exceeded",
  NotFound: "not_found",
  AlreadyExists: "already_exists",
  PermissionDenied: "permission_denied",
  ResourceExhausted: "resource_exhausted",
  FailedPrecondition: "failed_precondition",
  Aborted: "aborted",
  OutOfRange: "out_of_range",
  Unimplemented: "unimplemented",
  Internal: "internal",
  Unavailable: "unavailable",
  DataLoss: "data_loss",
  Unauthenticated: "unauthenticated",
} as const;

export type Code = (typeof Code)[keyof typeof Code];

/** gRPC's numeric status for each code (OK is 0 and is not an error). */
export const grpcStatusOf: Readonly<Record<Code, number>> = {
  cancelled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};

const codes = new Set<string>(Object.values(Code));

/** True when `value` is one of the closed codes. */
export function isCode(value: unknown): value is Code {
  return typeof value === "string" && codes.has(value);
}

/** The code for gRPC's numeric status `n`, or undefined for 0 and unknown numbers. */
export function codeFromGrpcStatus(n: number): Code | undefined {
  for (const [code, status] of Object.entries(grpcStatusOf)) if (status === n) return code as Code;
  return undefined;
}

/**
 * Codes whose message may be shown to callers. The others describe a fault on
 * our side, whose text (and stack) stays in the logs in production.
 */
const hidden = new Set<Code>(["internal", "unknown", "data_loss"]);
export function isExposable(code: Code): boolean {
  return !hidden.has(code);
}

/** Codes that describe the caller's input: retrying the same input cannot help. */
const badInput = new Set<Code>([
  "invalid_argument",
  "not_found",
  "already_exists",
  "permission_denied",
  "failed_precondition",
  "out_of_range",
  "unimplemented",
  "unauthenticated",
]);
export function isBadInput(code: Code): boolean {
  return badInput.has(code);
}
