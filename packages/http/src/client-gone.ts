import type { Socket } from "node:net";
import { type Context, WegoError } from "@wego/core";

const kFirst = Symbol("wego.http.pending");
const kMore = Symbol("wego.http.pendingMore");

interface Slots {
  /** The connection's invocation awaiting its answer. */
  [kFirst]: Context | undefined;
  /** Pipelined ones beyond the first (HTTP/1.1 clients rarely pipeline). */
  [kMore]: Context[] | undefined;
}
type Watched = Socket & Slots;

/**
 * Watch a new connection (the server's `connection` event): when it closes,
 * the invocations on it still awaiting an answer are aborted `cancelled`, so
 * their handlers' `ctx.signal` fires (dispatch answers them; the write is a
 * no-op). One shared `close` listener per connection and two slots on the
 * socket, instead of a signal and a listener per request. Draining and the
 * stop deadline are dispatch's business, not this.
 */
export function watchClient(socket: Socket): void {
  const s = socket as Watched;
  s[kFirst] = undefined;
  s[kMore] = undefined;
  socket.on("close", onClose);
}

const gone = (): WegoError => new WegoError("cancelled", "client closed the connection");

function onClose(this: Watched): void {
  const first = this[kFirst];
  const more = this[kMore];
  if (first === undefined && more === undefined) return;
  this[kFirst] = undefined;
  this[kMore] = undefined;
  first?.abort(gone());
  if (more !== undefined) for (const ctx of more) ctx.abort(gone());
}

/** `ctx`, dispatched from a request on `socket`, was not answered at once: abort it if the client leaves. */
export function awaitAnswer(socket: Socket, ctx: Context): void {
  if (socket.destroyed) {
    // Gone already (mid-body, between `end` and now): `close` has fired, nothing would abort it later.
    ctx.abort(gone());
    return;
  }
  const s = socket as Watched;
  if (s[kFirst] === undefined) s[kFirst] = ctx;
  else if (s[kMore] === undefined) s[kMore] = [ctx];
  else s[kMore].push(ctx);
}

/** `ctx` was answered: forget it. */
export function answered(socket: Socket, ctx: Context): void {
  const s = socket as Watched;
  if (s[kFirst] === ctx) {
    s[kFirst] = undefined;
    return;
  }
  const more = s[kMore];
  if (more === undefined) return;
  const i = more.indexOf(ctx);
  if (i !== -1) more.splice(i, 1);
  if (more.length === 0) s[kMore] = undefined;
}
