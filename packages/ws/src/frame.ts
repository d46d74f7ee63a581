import type { WegoError } from "@wego/core";
import { type InputLimits, parseJson } from "@wego/core/transport";
import { wsError } from "./errors.js";

/** A correlation id: echoed back as sent. */
export type FrameId = string | number;

/**
 * What a client sends, as one JSON text frame:
 * `{ "id": "c1", "route": "user.get", "data": { … }, "requestId"?: "…", "timeoutMs"?: 500 }`.
 * `id` is the client's correlation id (a string up to 128 characters or a
 * finite number), echoed in the reply; without one the reply carries
 * `"id": null`. `requestId` becomes `ctx.id` when it passes the request-id
 * rule (docs/errors.md), else one is generated. `timeoutMs` is the caller's
 * deadline: the frame is answered `deadline_exceeded` when it passes.
 */
export interface RequestFrame {
  id?: FrameId;
  route: string;
  data?: unknown;
  requestId?: unknown;
  timeoutMs?: number;
}

/** A frame that could not be used; `id` is the correlation id when one could be read. */
export class InvalidFrame {
  constructor(
    readonly id: FrameId | undefined,
    readonly error: WegoError,
    /** The frame's route, when it had a usable one (for the log and `ctx.route`). */
    readonly route = "",
  ) {}
}

const maxIdLength = 128;
const maxRouteLength = 256;
/** The longest deadline a timer holds (2^31-1 ms, ~24.8 days); longer ones would fire at once. */
const maxTimeoutMs = 2 ** 31 - 1;

function invalid(id: FrameId | undefined, what: string, route?: string): InvalidFrame {
  return new InvalidFrame(id, wsError("WEGO_ERR_WS_FRAME_INVALID", what), route);
}

/** The frame's correlation id, when it is one we echo (a string ≤ 128 characters or a finite number). */
function idOf(value: unknown): FrameId | undefined | false {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const id = (value as { id?: unknown }).id;
  if (id === undefined || id === null) return undefined;
  if (typeof id === "string") return id.length <= maxIdLength ? id : false;
  return typeof id === "number" && Number.isFinite(id) ? id : false;
}

/**
 * Decode and check one text frame. The JSON goes through core's `parseJson`
 * (size, depth and `__proto__`/`constructor`/`prototype` keys refused with
 * their `WEGO_ERR_INPUT_*` reason), so the data is dispatched as checked.
 * The parsed object is returned as is (no copy): the checks only read the
 * known fields, other keys are ignored. `requestId` is left to dispatch's
 * request-id rule.
 */
export function parseFrame(text: string, limits?: InputLimits): RequestFrame | InvalidFrame {
  let value: unknown;
  try {
    value = parseJson(text, limits);
  } catch (err) {
    return new InvalidFrame(readableId(text, err as WegoError), err as WegoError);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid(undefined, "not a JSON object");
  const id = idOf(value);
  if (id === false) {
    const raw = (value as { id: unknown }).id;
    return invalid(
      undefined,
      typeof raw === "string" ? `"id" is longer than ${maxIdLength} characters` : '"id" must be a string or a number',
    );
  }
  const frame = value as { route?: unknown; timeoutMs?: unknown };
  const route = frame.route;
  if (typeof route !== "string" || route.length === 0) return invalid(id, '"route" must be a non-empty string');
  if (route.length > maxRouteLength) return invalid(id, `"route" is longer than ${maxRouteLength} characters`);
  const timeoutMs = frame.timeoutMs;
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > maxTimeoutMs)) {
    return invalid(id, `"timeoutMs" must be a number of ms above 0, up to ${maxTimeoutMs}`, route);
  }
  return value as RequestFrame;
}

/**
 * The correlation id of a frame parseJson refused for its content (a
 * forbidden key, too deep), so the caller can match the refusal to its
 * request. JSON.parse defines a `__proto__` key as a plain own property (no
 * pollution) and reading `id` touches nothing else. Text that is not JSON or
 * too large has none.
 */
function readableId(text: string, err: WegoError): FrameId | undefined {
  if (err.reason !== "WEGO_ERR_INPUT_KEY" && err.reason !== "WEGO_ERR_INPUT_TOO_DEEP") return undefined;
  try {
    const id = idOf(JSON.parse(text));
    return id === false ? undefined : id;
  } catch {
    return undefined;
  }
}

/** The JSON text of a correlation id, `null` when the frame had none. */
export function encodeId(id: FrameId | undefined | null): string {
  if (id === undefined || id === null) return "null";
  return typeof id === "number" ? String(id) : JSON.stringify(id);
}

/**
 * A reply frame: the envelope's JSON text (from the dispatcher's `encode`)
 * with the correlation id spliced in first,
 * `{"id":…,"code":"ok","message":"ok","data":…,"requestId":"…"}`, rather
 * than copied into a new object. An envelope that is not a JSON object goes
 * under `body`.
 */
export function encodeReply(idJson: string, json: string): string {
  // A custom envelope may return undefined, which JSON.stringify turns into no text at all.
  if (typeof json !== "string" || json.charCodeAt(0) !== 123 /* { */) return `{"id":${idJson},"body":${json ?? "null"}}`;
  return json.length === 2 ? `{"id":${idJson}}` : `{"id":${idJson},${json.slice(1)}`;
}

/** A push message as sent: a string as is (already encoded), anything else as JSON. */
export function encodeMessage(message: unknown): string {
  if (typeof message === "string") return message;
  const text = JSON.stringify(message);
  if (text === undefined) throw wsError("WEGO_ERR_WS_PUSH_INVALID", typeof message);
  return text;
}
