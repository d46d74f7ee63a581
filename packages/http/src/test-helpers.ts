// Shared by this package's tests: an app with an HTTP router on an ephemeral port, and an undici caller.
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
