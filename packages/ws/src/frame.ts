import { defaultEnvelope, type Envelope, type EnvelopeInfo, type WegoError } from "@wego/core";
import { wsError } from "./errors.js";

/** A correlation id: echoed back as sent. */
export type FrameId = string | number;

/**
 * What a client sends, as one JSON text frame:
 * `{ "id": "c1", "route": "user.get", "data": { … }, "requestId"?: "…" }`.
 * `id` is the client's correlation id (a string up to 128 characters or a
 * finite number), echoed in the reply; without one the reply carries
 * `"id": null`. `requestId` becomes `ctx.id` (one is generated otherwise).
 */
export interface RequestFrame {
  id?: FrameId;
  route: string;
  data?: unknown;
  requestId?: string;
}

/** A frame that could not be used; `id` is the correlation id when one could be read. */
export class InvalidFrame {
  constructor(
    readonly id: FrameId | undefined,
    readonly error: WegoError,
  ) {}
}

const maxIdLength = 128;
const maxRouteLength = 256;

function invalid(id: FrameId | undefined, what: string): InvalidFrame {
  return new InvalidFrame(id, wsError("WEGO_ERR_WS_FRAME_INVALID", what));
}

/**
 * Decode and check one text frame. The parsed object is returned as is (no
 * copy): the checks only read the four known fields, other keys are ignored.
 */
export function parseFrame(text: string): RequestFrame | InvalidFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(undefined, "not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid(undefined, "not a JSON object");
  const frame = value as { id?: unknown; route?: unknown; requestId?: unknown };
  const id = frame.id;
  if (id !== undefined && id !== null) {
    if (typeof id === "string") {
      if (id.length > maxIdLength) return invalid(undefined, `"id" is longer than ${maxIdLength} characters`);
    } else if (typeof id !== "number" || !Number.isFinite(id)) {
      return invalid(undefined, '"id" must be a string or a number');
    }
  }
  const okId = (id ?? undefined) as FrameId | undefined;
  const route = frame.route;
  if (typeof route !== "string" || route.length === 0) return invalid(okId, '"route" must be a non-empty string');
  if (route.length > maxRouteLength) return invalid(okId, `"route" is longer than ${maxRouteLength} characters`);
  const requestId = frame.requestId;
  if (requestId !== undefined && (typeof requestId !== "string" || requestId.length > maxIdLength)) {
    return invalid(okId, `"requestId" must be a string up to ${maxIdLength} characters`);
  }
  return value as RequestFrame;
}

/** The JSON text of a correlation id, `null` when the frame had none. */
export function encodeId(id: FrameId | undefined | null): string {
  if (id === undefined || id === null) return "null";
  return typeof id === "number" ? String(id) : JSON.stringify(id);
}

/**
 * A reply frame: the app's envelope with the correlation id first,
 * `{"id":…,"code":"ok","message":"ok","data":…,"requestId":"…"}`. The id is
 * spliced into the envelope's JSON rather than copied into a new object.
 */
export function encodeReply(idJson: string, body: unknown): string {
  const json = JSON.stringify(body);
  if (json === undefined || json.charCodeAt(0) !== 123 /* { */) return `{"id":${idJson},"body":${json ?? "null"}}`;
  return json.length === 2 ? `{"id":${idJson}}` : `{"id":${idJson},${json.slice(1)}`;
}

/**
 * The success reply for `result`. With the default envelope it is written
 * directly: the same text `encodeReply(id, defaultEnvelope.ok(result, info))`
 * gives, at less than half the cost (no envelope object, one small
 * JSON.stringify). Other envelopes go the general way.
 */
export function encodeOk(envelope: Envelope, idJson: string, result: unknown, info: EnvelopeInfo): string {
  if (envelope !== defaultEnvelope) return encodeReply(idJson, envelope.ok(result, info));
  const data = result === undefined ? "null" : (JSON.stringify(result) ?? "null");
  return `{"id":${idJson},"code":"ok","message":"ok","data":${data},"requestId":${JSON.stringify(info.id)}}`;
}

/** A push message as sent: a string as is (already encoded), anything else as JSON. */
export function encodeMessage(message: unknown): string {
  if (typeof message === "string") return message;
  const text = JSON.stringify(message);
  if (text === undefined) throw wsError("WEGO_ERR_WS_PUSH_INVALID", typeof message);
  return text;
}
