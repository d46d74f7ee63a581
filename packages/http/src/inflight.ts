import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type Context, WegoError } from "@wego/core";

const kCtx = Symbol("wego.http.ctx");
const kRes = Symbol("wego.http.res");
const kMore = Symbol("wego.http.more");

interface Slots {
  [kCtx]: Context | undefined;
  [kRes]: ServerResponse | undefined;
  /** Pipelined requests beyond the first, flat `[ctx, res, ctx, res…]`. */
  [kMore]: Array<Context | ServerResponse> | undefined;
}
type Tracked = Socket & Slots;

/**
 * Requests handed to the app and not answered yet, kept on their connection:
 * the first in two slots of the socket (two property writes per request),
 * pipelined ones in an overflow list (HTTP/1.1 clients rarely pipeline). One
 * `close` listener per connection, not per request: when the client goes
 * away, its invocations are aborted (`cancelled`); at the stop deadline every
 * one left is handed to `drain`.
 */
export class Inflight {
  readonly #sockets = new Set<Tracked>();

  readonly #onClose = (socket: Tracked): void => {
    this.#sockets.delete(socket);
    const reason = (): WegoError => new WegoError("cancelled", "client closed the connection");
    const first = socket[kCtx];
    const more = socket[kMore];
    socket[kCtx] = undefined;
    socket[kRes] = undefined;
    socket[kMore] = undefined;
    first?.abort(reason());
    if (more !== undefined) for (let i = 0; i < more.length; i += 2) (more[i] as Context).abort(reason());
  };

  /** Track a new connection (the server's `connection` event). */
  watch(socket: Socket): void {
    const s = socket as Tracked;
    s[kCtx] = undefined;
    s[kRes] = undefined;
    s[kMore] = undefined;
    this.#sockets.add(s);
    s.once("close", () => this.#onClose(s));
  }

  add(socket: Socket, ctx: Context, res: ServerResponse): void {
    const s = socket as Tracked;
    if (s[kCtx] === undefined) {
      s[kCtx] = ctx;
      s[kRes] = res;
    } else if (s[kMore] === undefined) s[kMore] = [ctx, res];
    else s[kMore].push(ctx, res);
  }

  /** Forget `ctx`; false when it was not pending (already answered at the deadline, or its client left). */
  remove(socket: Socket, ctx: Context): boolean {
    const s = socket as Tracked;
    if (s[kCtx] === ctx) {
      s[kCtx] = undefined;
      s[kRes] = undefined;
      return true;
    }
    const more = s[kMore];
    if (more === undefined) return false;
    const i = more.indexOf(ctx);
    if (i === -1) return false;
    more.splice(i, 2);
    return true;
  }

  /** Hand every pending request to `fn` and forget them all. */
  drain(fn: (ctx: Context, res: ServerResponse) => void): void {
    for (const s of this.#sockets) {
      const first = s[kCtx];
      const res = s[kRes];
      const more = s[kMore];
      s[kCtx] = undefined;
      s[kRes] = undefined;
      s[kMore] = undefined;
      if (first !== undefined && res !== undefined) fn(first, res);
      if (more !== undefined) for (let i = 0; i < more.length; i += 2) fn(more[i] as Context, more[i + 1] as ServerResponse);
    }
  }
}
