import type { WegoError } from "./errors/wego-error.js";

/** What an envelope needs to know about the invocation. */
export interface EnvelopeInfo {
  /** The request id. */
  readonly id: string;
}

/**
 * The shape of a response body on transports that send one (HTTP, WebSocket,
 * the generic gRPC service, the CLI). Configured per app (`createApp({ envelope })`).
 */
export interface Envelope {
  ok(data: unknown, info: EnvelopeInfo): unknown;
  /** `expose` is false in production for faults on our side: show a generic message then. */
  error(err: WegoError, info: EnvelopeInfo, expose: boolean): unknown;
}

/** Generic text for each code, used when an error's own message must not leave the server. */
function hiddenMessage(err: WegoError): string {
  return err.code === "internal" ? "internal error" : err.code.replaceAll("_", " ");
}

/** The message a caller may see for `err`. */
export function publicMessage(err: WegoError, expose: boolean): string {
  return expose || err.exposable ? err.rawMessage : hiddenMessage(err);
}

/**
 * wego's envelope:
 * `{ "code": "ok", "message": "ok", "data": …, "requestId": "…" }` on success,
 * `{ "code": "not_found", "message": "…", "data": null, "requestId": "…", "reason"?: "…", "details"?: … }` on failure.
 */
export const defaultEnvelope: Envelope = {
  ok(data, info) {
    return { code: "ok", message: "ok", data: data === undefined ? null : data, requestId: info.id };
  },
  error(err, info, expose) {
    const body: Record<string, unknown> = {
      code: err.code,
      message: publicMessage(err, expose),
      data: null,
      requestId: info.id,
    };
    if (err.reason !== undefined) body.reason = err.reason;
    if (err.details !== undefined) body.details = err.details;
    return body;
  },
};

/** The original Go wego's numeric string codes, for clients of that system. */
const legacyCodes: Partial<Record<WegoError["code"], string>> = {
  not_found: "9000",
  already_exists: "9001",
  invalid_argument: "9010",
  unauthenticated: "9020",
  unimplemented: "9030",
  unavailable: "9990",
};

/**
 * The original Go wego's envelope, so its clients work unchanged:
 * `{ "ret": 200, "code": "0000", "data": …, "message": "请求成功" }`; on failure
 * `code` is the error's `reason` when set (e.g. "9022"), else the nearest
 * original code (9999 generic), and `data` is `{}`.
 */
export const legacyEnvelope: Envelope = {
  ok(data) {
    return { ret: 200, code: "0000", data: data === undefined ? {} : data, message: "请求成功" };
  },
  error(err, _info, expose) {
    return {
      ret: 200,
      code: err.reason ?? legacyCodes[err.code] ?? "9999",
      data: {},
      message: publicMessage(err, expose),
    };
  },
};
