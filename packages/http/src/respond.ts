import type { ServerResponse } from "node:http";
import { type App, defaultEnvelope, WegoError } from "@wego/core";
import { statusOf } from "./code-map.js";
import type { Cors } from "./cors.js";
import { isValidRequestId } from "./request-id.js";

export const JSON_TYPE = "application/json; charset=utf-8";

/** Writes envelopes to responses; built once per router start. */
export interface Responder {
  /** 200 with the success envelope of `data`. */
  ok(res: ServerResponse, id: string, data: unknown): void;
  /** The error envelope with the status mapped from `err`; `extra` is a flat header list. */
  error(res: ServerResponse, id: string, err: WegoError, extra?: readonly string[]): void;
  /** Any status and raw body (metrics, 204s); `cors: false` when `extra` already holds the CORS headers (preflights). */
  raw(
    res: ServerResponse,
    id: string,
    status: number,
    type: string | undefined,
    body: string,
    extra?: readonly string[],
    cors?: boolean,
  ): void;
  /** Set while the router drains: every answer then closes its connection. */
  draining: boolean;
}

// The default envelope's success body around its two variable parts, and their byte lengths.
const OK_HEAD = '{"code":"ok","message":"ok","data":';
const OK_MID = ',"requestId":"';
const OK_TAIL = '"}';
const OK_FIXED = OK_HEAD.length + OK_MID.length + OK_TAIL.length;

/**
 * The response writer. With wego's default envelope the success body is
 * concatenated around `JSON.stringify(data)` (the same bytes as stringifying
 * the envelope object, without building it), and its length is summed from
 * the parts instead of measuring the joined string. Headers go out as one flat
 * array in a single `writeHead`, with `content-length` set so keep-alive needs
 * no chunking.
 */
export function createResponder(app: App, cors: Cors | undefined): Responder {
  const envelope = app.envelope;
  const fast = envelope === defaultEnvelope;
  const expose = !app.production;

  function send(
    res: ServerResponse,
    status: number,
    type: string | undefined,
    body: string,
    length: number,
    id: string,
    extra?: readonly string[],
    withCors = true,
  ): void {
    const h: Array<string | number> =
      type === undefined
        ? ["content-length", length, "x-request-id", id]
        : ["content-type", type, "content-length", length, "x-request-id", id];
    if (extra !== undefined) for (let i = 0; i < extra.length; i++) h.push(extra[i] as string);
    if (cors !== undefined && withCors) {
      const origin = res.req.headers.origin;
      if (origin !== undefined) {
        const ch = cors.actual(origin);
        if (ch !== undefined) for (let i = 0; i < ch.length; i++) h.push(ch[i] as string);
      }
    }
    if (responder.draining) h.push("connection", "close");
    res.writeHead(status, h as unknown as string[]);
    res.end(body);
  }

  function error(res: ServerResponse, id: string, err: WegoError, extra?: readonly string[]): void {
    if (res.headersSent || res.destroyed) return;
    const status = statusOf(err);
    let headers = extra;
    if (err.retryAfterMs !== undefined && err.retryAfterMs >= 0 && (status === 429 || status === 503)) {
      headers = [...(extra ?? []), "retry-after", String(Math.ceil(err.retryAfterMs / 1000))];
    }
    let body: string;
    try {
      body = JSON.stringify(envelope.error(err, { id }, expose));
    } catch {
      // An envelope that can't render its own error (a BigInt in details…): say so plainly.
      body = JSON.stringify(defaultEnvelope.error(new WegoError("internal", "error envelope failed to render"), { id }, expose));
    }
    send(res, status, JSON_TYPE, body, Buffer.byteLength(body), id, headers);
  }

  const responder: Responder = {
    draining: false,
    ok(res, id, data) {
      if (res.headersSent || res.destroyed) return;
      let body: string;
      let length: number;
      try {
        if (fast && isValidRequestId(id)) {
          // A valid id is plain ASCII that needs no JSON escaping.
          let json = data === undefined ? "null" : JSON.stringify(data);
          if (json === undefined) json = "null";
          body = OK_HEAD + json + OK_MID + id + OK_TAIL;
          length = OK_FIXED + Buffer.byteLength(json) + id.length;
        } else {
          body = JSON.stringify(envelope.ok(data, { id }));
          length = Buffer.byteLength(body);
        }
      } catch (err) {
        // A result JSON can't carry (BigInt, a cycle) is our fault, not the caller's.
        error(res, id, new WegoError("internal", `result cannot be serialised: ${(err as Error).message}`, { cause: err }));
        return;
      }
      send(res, 200, JSON_TYPE, body, length, id);
    },
    error,
    raw(res, id, status, type, body, extra, withCors = true) {
      if (res.headersSent || res.destroyed) return;
      send(res, status, type, body, Buffer.byteLength(body), id, extra, withCors);
    },
  };
  return responder;
}
