import { create, toBinary } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { publicMessage, WegoError } from "@wego/core";
import { defineCodeMap, grpcStatusOf } from "@wego/core/transport";
import { ErrorDetailSchema } from "./gen/wego/v1/wego_pb.js";

/**
 * gRPC's wire for wego's codes. The 16 codes are gRPC's own, so the status
 * number is `grpcStatusOf[code]` (docs/errors.md); a status a peer sends
 * outside 1–16 (0 is not an error) reads as `unknown`. This file also owns
 * what goes around the number: the message a caller may see, encoded as the
 * gRPC spec says, and a `wego.v1.ErrorDetail` carrying reason, details and
 * request id in `grpc-status-details-bin`.
 *
 * @example
 * grpcCodes.toWire(err);   // 5 for a not_found error
 * grpcCodes.fromWire(14);  // "unavailable"
 */
export const grpcCodes = defineCodeMap<number>({ byCode: grpcStatusOf, fallback: "unknown" });

/** The detail a failed call carries: reason, caller-safe details (JSON) and request id. */
export function errorDetailOf(err: WegoError, requestId: string | undefined) {
  let details = "";
  if (err.details !== undefined) {
    try {
      details = JSON.stringify(err.details) ?? "";
    } catch {
      // Details that cannot be serialised are dropped, not the whole answer.
    }
  }
  return { reason: err.reason ?? "", details, requestId: requestId ?? "" };
}

/** A WegoError as the ConnectError that connect's protocols encode (gRPC-Web, Connect, compressed or streaming gRPC). */
export function toConnectError(err: WegoError, requestId: string | undefined, expose: boolean): ConnectError {
  return new ConnectError(
    publicMessage(err, expose),
    grpcCodes.toWire(err),
    undefined,
    [{ desc: ErrorDetailSchema, value: errorDetailOf(err, requestId) }],
    err,
  );
}

const HEX = "0123456789ABCDEF";

/**
 * `grpc-message` as the gRPC spec's Percent-Encoded: every UTF-8 byte
 * outside 0x20–0x7E, and `%` itself, as `%XX`; everything else as is. Not
 * `encodeURIComponent`, which also escapes `:`, `/`, `?`… that clients
 * decoding per the spec (grpc-js uses `decodeURI`) then show as `%3A`.
 */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    if (byte < 0x20 || byte > 0x7e || byte === 0x25) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/** `grpc-status-details-bin`: a google.rpc.Status holding the ErrorDetail, base64 without padding. */
export function statusDetailsBin(status: number, message: string, detail: ReturnType<typeof errorDetailOf>): string {
  const value = toBinary(ErrorDetailSchema, create(ErrorDetailSchema, detail));
  return Buffer.from(encodeRpcStatus(status, message, `type.googleapis.com/${ErrorDetailSchema.typeName}`, value))
    .toString("base64")
    .replace(/=+$/, "");
}

/**
 * google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3 }
 * with one Any { string type_url = 1; bytes value = 2 }, written by hand: this
 * runs only on failures and saves carrying the googleapis protos.
 */
function encodeRpcStatus(code: number, message: string, typeUrl: string, value: Uint8Array): Uint8Array {
  const msg = Buffer.from(message, "utf8");
  const url = Buffer.from(typeUrl, "utf8");
  const any = Buffer.concat([Buffer.from([0x0a]), varint(url.length), url, Buffer.from([0x12]), varint(value.length), value]);
  return Buffer.concat([
    Buffer.from([0x08]),
    varint(code),
    Buffer.from([0x12]),
    varint(msg.length),
    msg,
    Buffer.from([0x1a]),
    varint(any.length),
    any,
  ]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/**
 * Anything a gRPC client threw, as a WegoError: the status becomes the code,
 * a wego.v1.ErrorDetail restores reason and details.
 */
export function fromConnectError(err: unknown): WegoError {
  if (err instanceof WegoError) return err;
  if (!(err instanceof ConnectError)) return WegoError.from(err, "unavailable");
  const code = grpcCodes.fromWire(err.code);
  const [detail] = err.findDetails(ErrorDetailSchema);
  let details: unknown;
  if (detail?.details) {
    try {
      details = JSON.parse(detail.details);
    } catch {
      details = detail.details;
    }
  }
  return new WegoError(code, err.rawMessage, {
    ...(detail?.reason ? { reason: detail.reason } : {}),
    ...(details === undefined ? {} : { details }),
    cause: err,
  });
}
