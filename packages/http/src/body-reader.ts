import type { IncomingMessage, ServerResponse } from "node:http";
import { WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import { BodyKind, decodeBody } from "./body.js";
import { httpError } from "./errors.js";
import { mergeInput, NO_QUERY } from "./input.js";
import type { HttpRoute } from "./route-spec.js";

/** Refuse a request before any handler runs (the request path's `refuse`). */
export type Refuse = (req: IncomingMessage, res: ServerResponse, err: WegoError, extra?: string[]) => void;
/** Dispatch a decoded request (the request path's `deliver`); `admitted` when `dispatcher.admit()` counted it. */
export type Deliver = (
  req: IncomingMessage,
  res: ServerResponse,
  route: HttpRoute,
  input: unknown,
  checked: boolean,
  admitted: boolean,
) => void;

/** A request whose body is being read: found by the shared listeners through the request, linked for the stop deadline. */
interface PendingBody {
  req: IncomingMessage;
  res: ServerResponse;
  route: HttpRoute;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  kind: BodyKind;
  first: Buffer | undefined;
  chunks: Buffer[] | undefined;
  length: number;
  done: boolean;
  prev: PendingBody | undefined;
  next: PendingBody | undefined;
}

const kBody = Symbol("wego.http.body");
type BodyReq = IncomingMessage & { [kBody]?: PendingBody };

const EMPTY = Buffer.alloc(0);

/** Reads request bodies for one router start. */
export interface BodyReader {
  /**
   * Read the body of a routed request, then decode it and deliver the input.
   * The request is admitted now (its headers are here): it is served even
   * if the router stops before the body is complete.
   */
  read(
    req: IncomingMessage,
    res: ServerResponse,
    route: HttpRoute,
    params: Record<string, unknown>,
    query: Record<string, unknown>,
    kind: BodyKind,
  ): void;
  /** At the stop deadline: answer every body still arriving with `err` (connection closed) and forget it. */
  abandon(err: WegoError): void;
}

/**
 * The body reader: shared `data`/`end`/`error` listeners (`this` is the
 * request, its state hangs off it: no closures per request), the size limit
 * enforced while reading, pending bodies on an intrusive list (no Set, no
 * hashing) so the stop deadline can answer them.
 */
export function createBodyReader(d: Dispatcher, bodyLimit: number, refuse: Refuse, deliver: Deliver): BodyReader {
  let head: PendingBody | undefined;

  /** Take `s` off the list and out of the dispatcher's count; false when it was already done. */
  function settle(s: PendingBody): boolean {
    if (s.done) return false;
    s.done = true;
    if (s.prev === undefined) head = s.next;
    else s.prev.next = s.next;
    if (s.next !== undefined) s.next.prev = s.prev;
    s.prev = undefined;
    s.next = undefined;
    s.first = undefined;
    s.chunks = undefined;
    return true;
  }

  function onData(this: BodyReq, chunk: Buffer): void {
    const s = this[kBody] as PendingBody;
    if (s.done) return;
    s.length += chunk.length;
    if (s.length > bodyLimit) {
      settle(s);
      d.release();
      refuse(this, s.res, httpError("WEGO_ERR_HTTP_BODY_TOO_LARGE", bodyLimit));
      return;
    }
    if (s.first === undefined) s.first = chunk;
    else if (s.chunks === undefined) s.chunks = [s.first, chunk];
    else s.chunks.push(chunk);
  }

  function onEnd(this: BodyReq): void {
    const s = this[kBody] as PendingBody;
    const buf = s.chunks !== undefined ? Buffer.concat(s.chunks, s.length) : (s.first ?? EMPTY);
    if (!settle(s)) return;
    let body: unknown;
    if (buf.length > 0) {
      try {
        body = decodeBody(s.kind, buf, d.limits);
      } catch (err) {
        d.release();
        refuse(this, s.res, WegoError.from(err));
        return;
      }
    }
    // parseJson checked a JSON body and text holds no object: only a query string or a form needs dispatch's walk.
    const checked = s.kind !== BodyKind.Form && s.query === NO_QUERY;
    deliver(this, s.res, s.route, mergeInput(s.query, body, s.params, s.route.spec.hasParams), checked, true);
  }

  function onError(this: BodyReq): void {
    // The client went away mid-body: nobody to answer.
    const s = this[kBody];
    if (s !== undefined && settle(s)) d.release();
  }

  return {
    read(req, res, route, params, query, kind) {
      d.admit();
      const s: PendingBody = {
        req,
        res,
        route,
        params,
        query,
        kind,
        first: undefined,
        chunks: undefined,
        length: 0,
        done: false,
        prev: undefined,
        next: head,
      };
      if (head !== undefined) head.prev = s;
      head = s;
      (req as BodyReq)[kBody] = s;
      req.on("data", onData);
      req.on("end", onEnd);
      req.on("error", onError);
    },
    abandon(err) {
      while (head !== undefined) {
        const s = head;
        settle(s);
        d.release();
        refuse(s.req, s.res, err);
      }
    },
  };
}
