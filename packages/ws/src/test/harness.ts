// Test harness: an app with a WebSocket router on an ephemeral loopback port,
// and a real `ws` client that correlates replies by id.
import { type App, createApp, type Envelope } from "@wego/core";
import { type ClientOptions, WebSocket } from "ws";
import { createWsRouter, type WsRouter, type WsRouterOptions } from "../ws-router.js";

export interface Reply {
  id: string | number | null;
  code: string;
  message: string;
  data: unknown;
  requestId?: string;
  reason?: string;
  details?: unknown;
}

export interface Started {
  app: App;
  router: WsRouter;
  url: string;
  stop(): Promise<void>;
}

/** Start an app whose router serves `routes` (route name = handler name), after `setup` registered handlers. */
export async function startWs(
  setup: (app: App) => void,
  routes: readonly string[],
  options: WsRouterOptions = {},
  appOptions: { production?: boolean; name?: string; envelope?: Envelope } = {},
): Promise<Started> {
  const app = createApp({
    name: appOptions.name ?? "ws-test",
    logger: false,
    production: appOptions.production ?? false,
    config: { env: {}, argv: [] },
    ...(appOptions.envelope ? { envelope: appOptions.envelope } : {}),
  });
  setup(app);
  const router = createWsRouter({ port: 0, host: "127.0.0.1", ...options });
  for (const r of routes) router.route(r, r);
  app.router("ws", router);
  await app.start();
  return { app, router, url: `ws://127.0.0.1:${router.port}/ws`, stop: () => app.stop({ timeout: 3000 }) };
}

/** A `ws` client that records every message and closes. */
export class TestClient {
  readonly ws: WebSocket;
  readonly received: unknown[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #seq = 0;
  #waiters: Array<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("message", (data, isBinary) => {
      const text = data.toString();
      let msg: unknown = text;
      if (!isBinary) {
        try {
          msg = JSON.parse(text);
        } catch {
          // keep the text
        }
      }
      this.received.push(msg);
      const i = this.#waiters.findIndex((w) => w.match(msg));
      if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(msg);
    });
  }

  /** Open a connection; rejects with `{ status }` when the upgrade is refused. */
  static open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once("error", reject);
    });
  }

  /** The next message (already received or to come) matching `match`. */
  next<T = unknown>(match: (m: unknown) => boolean = () => true, timeoutMs = 3000): Promise<T> {
    const seen = this.received.find(match);
    if (seen !== undefined) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen as T);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching message in time")), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m as T);
        },
      });
    });
  }

  /** Send a request frame and wait for the reply with its id. */
  request(route: string, data?: unknown, extra: Record<string, unknown> = {}): Promise<Reply> {
    const id = `r${++this.#seq}`;
    const reply = this.next<Reply>((m) => (m as Reply)?.id === id);
    this.ws.send(JSON.stringify({ id, route, data, ...extra }));
    return reply;
  }

  /** Send a request frame whose `data` is the JSON text `json` as it is (not re-encoded), and wait for its reply. */
  requestRaw(route: string, json: string, extra: Record<string, unknown> = {}): Promise<Reply> {
    const id = `r${++this.#seq}`;
    const reply = this.next<Reply>((m) => (m as Reply)?.id === id);
    const head = JSON.stringify({ id, route, ...extra });
    this.ws.send(`${head.slice(0, -1)},"data":${json}}`);
    return reply;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it holds (for server-side state reached asynchronously). */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await sleep(10);
  }
}

/** Clients opened by a test file, closed after each case (with `resetClients` in `afterEach`). */
const opened: TestClient[] = [];

export async function open(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const c = await TestClient.open(url, options);
  opened.push(c);
  return c;
}

export async function resetClients(): Promise<void> {
  for (const c of opened) (c.ws as unknown as { _socket?: { resume(): void } })._socket?.resume();
  await Promise.all(opened.splice(0).map((c) => c.close()));
}

/** The refusal of an upgrade that must be refused: its HTTP status and parsed JSON body. */
export async function refusal(
  url: string,
  options: ClientOptions = {},
): Promise<{ status: number; body: { code?: string; message?: string; reason?: string } }> {
  const outcome = await TestClient.open(url, options).then(
    (c) => c,
    (e: { status?: number; body?: string }) => e,
  );
  if (outcome instanceof TestClient) {
    await outcome.close();
    throw new Error("the upgrade was accepted");
  }
  return { status: outcome.status ?? 0, body: outcome.body ? JSON.parse(outcome.body) : {} };
}
