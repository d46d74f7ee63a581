import { type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { finished } from "node:stream";
import type { WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import { httpCodes } from "./code-map.js";
import { httpError } from "./errors.js";
import { JSON_TYPE } from "./respond.js";

const kRefusing = Symbol("wego.http.refusing");
type ClientSocket = Socket & { [kRefusing]?: boolean; _httpMessage?: ServerResponse | null };

/**
 * Errors node raises before a request exists (a malformed or slow head,
 * oversized headers): answered with the envelope and the status node would
 * use, then the connection is closed; the server keeps serving others.
 *
 * When the broken request was pipelined behind requests already handed to
 * handlers, their answers are written first, in order, and the refusal
 * after them: a client must not retry a request whose handler ran because
 * its answer was lost behind the 400.
 */
export function answerClientError(d: Dispatcher, err: NodeJS.ErrnoException, socket: Socket): void {
  const s = socket as ClientSocket;
  // The parser reports the same broken stream again as more bytes arrive.
  if (s[kRefusing] === true) return;
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  s[kRefusing] = true;
  let e: WegoError;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") e = httpError("WEGO_ERR_HTTP_REQUEST_TIMEOUT");
  else if (err.code === "HPE_HEADER_OVERFLOW") e = httpError("WEGO_ERR_HTTP_HEADERS_TOO_LARGE");
  else e = httpError("WEGO_ERR_HTTP_BAD_REQUEST", err.code ?? err.message);
  afterPendingAnswers(s, () => refuse(d, s, e));
}

/** Run `then` once every response already queued on the connection has been written (node writes them in order). */
function afterPendingAnswers(socket: ClientSocket, then: () => void): void {
  const pending = socket._httpMessage;
  if (pending === undefined || pending === null || pending.writableFinished || pending.destroyed) then();
  // Written: the next queued answer is attached now. Cut short (the client left, or closed its side: node
  // treats that as gone): nothing more will be written, and waiting again would spin.
  else finished(pending, (err) => (err === undefined || err === null ? afterPendingAnswers(socket, then) : then()));
}

function refuse(d: Dispatcher, socket: ClientSocket, e: WegoError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const ctx = d.context("");
  const body = d.encode(ctx, e, undefined);
  const status = httpCodes.toWire(e);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${ctx.id}\r\nconnection: close\r\n\r\n${body}`,
  );
}
