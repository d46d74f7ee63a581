import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { wsError } from "./errors.js";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Answers an upgrade nothing is mounted for (the 404 with the envelope). */
export type UnknownPathHandler = (req: IncomingMessage, socket: Duplex) => void;

interface Mount {
  readonly handler: UpgradeHandler;
  readonly unknown: UnknownPathHandler;
}

interface Mounts {
  readonly paths: Map<string, Mount>;
  readonly listener: UpgradeHandler;
}

// One 'upgrade' listener per server, routing by path, so several WebSocket
// routers can share an HTTP server and an unknown path is answered (404)
// instead of left hanging. Keyed by the server: no state outlives it.
const mounted = new WeakMap<Server, Mounts>();

/** The path of a request URL, without its query (which may carry a token). */
export function pathOf(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

/**
 * Serve upgrades of `path` on `server` with `handler`; upgrades of a path no
 * router serves are answered by `unknown` of any router mounted there.
 * Returns the unmount function.
 */
export function mountUpgrade(server: Server, path: string, handler: UpgradeHandler, unknown: UnknownPathHandler): () => void {
  let mounts = mounted.get(server);
  if (mounts === undefined) {
    const paths = new Map<string, Mount>();
    const listener: UpgradeHandler = (req, socket, head) => {
      const found = paths.get(pathOf(req.url));
      if (found !== undefined) found.handler(req, socket, head);
      else paths.values().next().value?.unknown(req, socket);
    };
    mounts = { paths, listener };
    mounted.set(server, mounts);
    server.on("upgrade", listener);
  }
  const { paths, listener } = mounts;
  if (paths.has(path)) throw wsError("WEGO_ERR_WS_OPTION", `path "${path}" is already served on this HTTP server`);
  const mount: Mount = { handler, unknown };
  paths.set(path, mount);
  return () => {
    if (paths.get(path) !== mount) return;
    paths.delete(path);
    if (paths.size === 0) {
      server.off("upgrade", listener);
      mounted.delete(server);
    }
  };
}

/**
 * Answer on a raw socket (an upgrade request, or one node's parser refused)
 * with a plain HTTP response carrying the JSON envelope `body`, and close it
 * (it never becomes a WebSocket).
 */
export function answerAndClose(
  socket: Duplex,
  status: number,
  body: string,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed) return;
  let extra = "";
  for (const [name, value] of Object.entries(headers)) extra += `${name}: ${value}\r\n`;
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: application/json; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n${extra}\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(head + body);
}
