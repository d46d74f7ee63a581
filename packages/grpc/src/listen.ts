import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import tls from "node:tls";
import { createTlsSource, type TlsOptions, type TlsSource } from "@wego/core/transport";
import { grpcError } from "./grpc-errors.js";

/** TLS of the router: the same options as every wego transport's (`cert`, `key`, `ca`, `requestCert`; file paths reloaded on change). */
export type { TlsOptions };

export interface ListenOptions {
  port: number;
  host: string;
  tls: TlsOptions | undefined;
  /** Told when reloaded certificates fail to load (the previous ones stay in service). */
  onTlsError?: (err: unknown) => void;
  /** Every HTTP/2 stream, straight from nghttp2 (no compatibility objects). */
  onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  /** Every HTTP/1.1 request (gRPC-Web and Connect from browsers and curl). */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
}

export interface Listener {
  readonly port: number;
  /** Stop accepting, GOAWAY every session so calls in flight finish; destroy what is left shortly after `signal` fires. */
  close(signal: AbortSignal): Promise<void>;
}

// Every HTTP/2 connection opens with "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; no HTTP/1 method starts with "PRI".
function startsLikeH2(chunk: Buffer): boolean {
  return chunk[0] === 0x50 && (chunk.length < 2 || chunk[1] === 0x52) && (chunk.length < 3 || chunk[2] === 0x49);
}

/**
 * One port, two protocols. A plain `net`/`tls` server accepts connections
 * and hands each to an HTTP/2 server (prior knowledge h2c, or ALPN "h2")
 * or to an HTTP/1.1 server (everything else), neither of which listens
 * itself. HTTP/2 is served through the `stream` event only: node's
 * compatibility layer (Http2ServerRequest/Response) would cost every call two
 * objects and a stream wrapper that the gRPC fast path does not need.
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  const h2 = http2.createServer({});
  h2.on("stream", options.onStream);
  const sessions = new Set<ServerHttp2Session>();
  h2.on("session", (s: ServerHttp2Session) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
    s.on("error", ignore);
  });
  const h1 = http.createServer(options.onRequest);

  // Every accepted connection, to force closed at the stop deadline (a
  // session whose peer stopped reading cannot finish even its destroy).
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  // Connections that have not sent a byte yet (cleartext: we wait for the
  // first bytes to choose the protocol); nothing to drain, closed on stop.
  const undecided = new Set<Socket>();
  let outer: net.Server;
  let secure: TlsSource | undefined;
  if (options.tls) {
    const t = options.tls;
    const key = t.key ?? t.keyFile;
    const cert = t.cert ?? t.certFile;
    if (!key || !cert) throw grpcError("WEGO_ERR_GRPC_TLS", key ? "no certificate" : "no key");
    secure = createTlsSource(t, "server", options.onTlsError);
    const server = tls.createServer({ ...secure.serverOptions(), ALPNProtocols: ["h2", "http/1.1"] });
    secure.attach(server);
    outer = server;
    outer.on("connection", track);
    outer.on("secureConnection", (socket: tls.TLSSocket) => {
      socket.setNoDelay(true);
      (socket.alpnProtocol === "h2" ? h2 : h1).emit("connection", socket);
    });
    outer.on("tlsClientError", ignore);
  } else {
    outer = net.createServer({ noDelay: true }, (socket: Socket) => {
      track(socket);
      undecided.add(socket);
      socket.on("error", ignore);
      socket.once("data", (chunk: Buffer) => {
        undecided.delete(socket);
        socket.pause();
        socket.unshift(chunk);
        if (startsLikeH2(chunk)) {
          // The HTTP/2 session reads what is already buffered itself (node
          // drains `socket.read()` into nghttp2 on the next tick).
          h2.emit("connection", socket);
        } else {
          h1.emit("connection", socket);
          socket.resume();
        }
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    outer.once("error", reject);
    outer.listen(options.port, options.host, () => {
      outer.off("error", reject);
      resolve();
    });
  }).catch((err: unknown) => {
    secure?.close();
    throw err;
  });
  const port = (outer.address() as AddressInfo).port;
  // The HTTP/1.1 server never listens itself, but it tracks its connections
  // (what closeIdleConnections and the header/request timeouts act on) only
  // from its "listening" event on.
  h1.emit("listening");

  return {
    port,
    async close(signal) {
      secure?.close();
      const closed = new Promise<void>((resolve) => outer.close(() => resolve()));
      h1.close();
      h1.closeIdleConnections();
      for (const socket of undecided) socket.destroy();
      for (const s of sessions) s.close();
      // The HTTP/1.1 server only closes idle connections: poll, so a
      // keep-alive connection closes once its request in flight is answered.
      const idle = setInterval(() => h1.closeIdleConnections(), 50);
      const destroy = (): void => {
        for (const s of sessions) s.destroy();
        h1.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      };
      // At the deadline the dispatcher answers what is left `unavailable`:
      // those answers get a moment to go out before the connections are cut.
      let grace: NodeJS.Timeout | undefined;
      const onDeadline = (): void => {
        grace = setTimeout(destroy, FLUSH_GRACE_MS);
      };
      if (signal.aborted) onDeadline();
      else signal.addEventListener("abort", onDeadline, { once: true });
      // The outer server closes once every connection it accepted has ended.
      await closed;
      clearInterval(idle);
      clearTimeout(grace);
      signal.removeEventListener("abort", onDeadline);
    },
  };
}

function ignore(): void {}

/** How long answers written at the stop deadline get to leave before the connections are destroyed. */
const FLUSH_GRACE_MS = 100;
