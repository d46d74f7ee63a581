import type { Server } from "node:http";
import { Server as NetServer } from "node:net";
import { WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import type { BodyReader } from "./body-reader.js";
import type { Responder } from "./respond.js";

/** What the drain needs of one router start. */
export interface Draining {
  server: Server;
  dispatcher: Dispatcher;
  responder: Responder;
  bodies: BodyReader;
  /** Grace for idle keep-alive connections, ms (option `drainIdle`). */
  drainIdle: number;
}

/**
 * Graceful stop. New connections are refused at once. Every request on a
 * connection accepted before stop is served, its answer with `connection:
 * close`: for `drainIdle` ms idle keep-alive connections stay open, so a
 * request a client sends on one right now is served rather than reset; then
 * idle ones are closed, and dispatch's drain waits for what runs and for
 * bodies still arriving (admitted when their headers came). At the deadline
 * dispatch answers what still runs 503 (`WEGO_ERR_SHUTDOWN_DEADLINE`), the
 * bodies still arriving get the same answer, and every connection is closed.
 */
export async function drainServer({ server, dispatcher: d, responder, bodies, drainIdle }: Draining, signal: AbortSignal): Promise<void> {
  responder.draining = true;
  let closed = false;
  // net's close, not http's: since Node 19 http.Server#close also closes idle
  // keep-alive sockets at once, which is the race the grace avoids.
  const whenClosed = new Promise<void>((resolve) =>
    NetServer.prototype.close.call(server, () => {
      closed = true;
      resolve();
    }),
  );
  const deadline = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  if (drainIdle > 0) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => {
      timer = setTimeout(r, drainIdle);
    });
    await Promise.race([whenClosed, deadline, grace]);
    clearTimeout(timer);
  }
  // http's own pre-close: closes idle sockets and its connection-checking timer.
  server.closeIdleConnections();
  server.close(() => {});
  await d.drain(signal);
  // Answers carry `connection: close`: their connections end once written.
  await Promise.race([whenClosed, deadline]);
  if (closed) return;
  // The deadline. A request that began after the first drain returned is answered now too.
  await d.drain(signal);
  bodies.abandon(WegoError.from(signal.reason, "unavailable"));
  server.closeAllConnections();
  // Upgraded sockets (WebSocket) are not ours to close; don't wait on them for long.
  await Promise.race([whenClosed, new Promise((r) => setTimeout(r, 100).unref())]);
}
