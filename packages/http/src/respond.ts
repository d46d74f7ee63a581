import type { ServerResponse } from "node:http";
import type { Context, WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import { httpCodes } from "./code-map.js";
import type { Cors } from "./cors.js";
import { HttpBody } from "./http-body.js";

export const JSON_TYPE = "application/json; charset=utf-8";

/** Writes envelopes to responses; built once per router start. */
export interface Responder {
  /** 200 with the success envelope of `data` (500 when `data` can't be serialised). */
  ok(res: ServerResponse, ctx: Context, data: unknown): void;
  /** The error envelope with the status mapped from `err`; `extra` is a flat header list. */
  error(res: ServerResponse, ctx: Context, err: WegoError, extra?: readonly string[]): void;
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

/**
 * The response writer. The body is the dispatcher's encoding of the outcome
 * (with wego's default envelope, the success body concatenated around
 * `JSON.stringify(data)` without building the envelope object). Headers go
 * out as one flat array in a single `writeHead`, with `content-length` set so
 * keep-alive needs no chunking.
 */
export function createResponder(d: Dispatcher, cors: Cors | undefined): Responder {
  // The fault of an outcome that could not be encoded: set by the shared `noteFailure`, no closure per answer.
  let unencodable: WegoError | undefined;
  const noteFailure = (e: WegoError): void => {
    unencodable = e;
  };

  function send(
    res: ServerResponse,
    status: number,
    type: string | undefined,
    body: string | Uint8Array,
    id: string,
    extra?: readonly string[],
    withCors = true,
  ): void {
    const length = Buffer.byteLength(body);
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
    // A refusal of an unread body says so already.
    if (responder.draining && (extra === undefined || !extra.includes("connection"))) h.push("connection", "close");
    res.writeHead(status, h as unknown as string[]);
    res.end(body);
  }

  /** The fault `noteFailure` saw since the last call (the outcome was answered as it), if any. */
  function takeFailure(): WegoError | undefined {
    const e = unencodable;
    unencodable = undefined;
    return e;
  }

  const responder: Responder = {
    draining: false,
    ok(res, ctx, data) {
      if (res.headersSent || res.destroyed) return;
      if (data instanceof HttpBody) return send(res, data.status, data.type, data.body, ctx.id, data.headers);
      const body = d.encode(ctx, undefined, data, noteFailure);
      const failed = takeFailure();
      send(res, failed === undefined ? 200 : httpCodes.toWire(failed), JSON_TYPE, body, ctx.id);
    },
    error(res, ctx, err, extra) {
      if (res.headersSent || res.destroyed) return;
      const body = d.encode(ctx, err, undefined, noteFailure);
      const status = httpCodes.toWire(takeFailure() ?? err);
      let headers = extra;
      if (err.retryAfterMs !== undefined && err.retryAfterMs >= 0 && (status === 429 || status === 503)) {
        headers = [...(extra ?? []), "retry-after", String(Math.ceil(err.retryAfterMs / 1000))];
      }
      send(res, status, JSON_TYPE, body, ctx.id, headers);
    },
    raw(res, id, status, type, body, extra, withCors = true) {
      if (res.headersSent || res.destroyed) return;
      send(res, status, type, body, id, extra, withCors);
    },
  };
  return responder;
}
