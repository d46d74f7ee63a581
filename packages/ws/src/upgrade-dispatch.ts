import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { wsError } from "./errors.js";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Mounts {
  readonly paths: Map<string, UpgradeHandler>;
  readonly listener: UpgradeHandler;
}

// One 'upgrade' listener per server, routing by path, so several WebSocket
// routers can share an HTTP server and an unknown path is answered (404)
// instead of left hanging. Keyed by the server: no state outlives it.
const mounted = new WeakMap<Server, Mounts>();

/** Serve upgrades of `path` on `server` with `handler`; returns the unmount function. */
export function mountUpgrade(server: Server, path: string, handler: UpgradeHandler): () => void {
  let mounts = mounted.get(server);
  if (mounts === undefined) {
    const paths = new Map<string, UpgradeHandler>();
    const listener: UpgradeHandler = (req, socket, head) => {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const found = paths.get(q < 0 ? url : url.slice(0, q));
      if (found !== undefined) found(req, socket, head);
      else refuseUpgrade(socket, 404, `{"code":"not_found","message":"no WebSocket endpoint here","data":null}`);
    };
    mounts = { paths, listener };
    mounted.set(server, mounts);
    server.on("upgrade", listener);
  }
  const { paths, listener } = mounts;
  if (paths.has(path)) throw wsError("WEGO_ERR_WS_OPTION", `path "${path}" is already served on this HTTP server`);
  paths.set(path, handler);
  return () => {
    if (paths.get(path) !== handler) return;
    paths.delete(path);
    if (paths.size === 0) {
      server.off("upgrade", listener);
      mounted.delete(server);
    }
  };
}

/** Answer an upgrade with a plain HTTP error and close the socket (it never becomes a WebSocket). */
export function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: application/json; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(head + body);
}
