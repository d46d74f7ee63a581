// Test support: a TCP proxy in front of the shared MariaDB, so a test can
// make the server "unreachable" (and reachable again) without stopping it.
import { connect, createServer, type Server, type Socket } from "node:net";
import { MYSQL_HOST, MYSQL_PORT } from "./test-database.js";

export class TcpProxy {
  port = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  /** Listen on `port` (0: ephemeral, remembered for a restart on the same port). */
  async start(port = this.port): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(MYSQL_PORT, MYSQL_HOST);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Refuse new connections and cut the open ones, as a dead server would. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
