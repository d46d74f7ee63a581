// Shared by this package's tests: an app with an HTTP router on an ephemeral port, and an undici caller.
import { connect } from "node:net";
import { type App, type AppOptions, createApp } from "@wego/core";
import { Agent, request } from "undici";
import { afterEach } from "vitest";
import { createHttpRouter, type HttpRouter } from "./http-router.js";
import type { HttpRouterOptions } from "./options.js";

export interface Served {
  app: App;
  router: HttpRouter;
  base: string;
  call(method: string, path: string, init?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it isn't JSON). */
  json: { code: string; message: string; data: unknown; requestId: string; reason?: string; details?: unknown } & Record<string, unknown>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Register `fn` to run after the current test. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/**
 * Start an app whose handlers `setup` registers and whose routes `routes`
 * declares; stopped after the test.
 */
export async function serve(
  routes: (router: HttpRouter, app: App) => void,
  options: HttpRouterOptions = {},
  appOptions: AppOptions = {},
): Promise<Served> {
  const app = createApp({ name: "http-test", logger: false, production: true, config: { env: {}, argv: [] }, ...appOptions });
  const router = createHttpRouter({ port: 0, ...options });
  routes(router, app);
  app.router("http", router);
  await app.start();
  const base = `http://127.0.0.1:${router.port}`;
  const agent = new Agent({ connections: 8 });
  onCleanup(async () => {
    await app.stop({ timeout: 1000 });
    await agent.destroy();
  });
  return {
    app,
    router,
    base,
    call: (method, path, init = {}) => call(agent, base, method, path, init),
  };
}

export async function call(
  dispatcher: Agent,
  base: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const res = await request(`${base}${path}`, { method: method as "GET", headers: init.headers, body: init.body, dispatcher });
  const text = await res.body.text();
  let json: Reply["json"];
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined as unknown as Reply["json"];
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** JSON request headers. */
export const jsonHeaders = { "content-type": "application/json" };

/** A raw TCP client (pipelining, partial heads and bodies): what it wrote goes out as is, what the server sends is kept. */
export interface RawClient {
  write(data: string | Buffer): void;
  /** Half-close after `data`: the server sees the end of the request stream. */
  end(data?: string | Buffer): void;
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server has closed the connection. */
  ended: Promise<void>;
}

/** Connect a {@link RawClient} to `port` on 127.0.0.1. */
export function rawClient(port: number): RawClient {
  const socket = connect(port, "127.0.0.1");
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => {
    text += d;
  });
  socket.on("error", () => {});
  const ended = new Promise<void>((r) => socket.on("close", () => r()));
  return {
    write: (data) => void socket.write(data),
    end: (data) => void (data === undefined ? socket.end() : socket.end(data)),
    text: () => text,
    ended,
  };
}
