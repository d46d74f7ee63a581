// The console's switch and its endpoints, without a browser.
import { afterEach, describe, expect, it } from "vitest";
import type { ConsoleHandler, ConsoleState } from "./console-state.js";
import { docsApp } from "./test-app.js";

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function started(options: Parameters<typeof docsApp>[0]) {
  const s = docsApp(options);
  await s.app.start();
  stop = () => s.app.stop();
  return `http://127.0.0.1:${s.http.port}`;
}

describe("the developer console", () => {
  it("is off in production: /console is not a route, the docs still are", async () => {
    const base = await started({ production: true });
    expect((await fetch(`${base}/console`)).status).toBe(404);
    expect((await fetch(`${base}/console/state.json`)).status).toBe(404);
    expect((await fetch(`${base}/docs/openapi.json`)).status).toBe(200);
  });

  it("is on in production when enabled", async () => {
    const base = await started({ production: true, console: true });
    expect((await fetch(`${base}/console`)).status).toBe(200);
  });

  it("invokes a handler registered by name, and refuses a name that isn't", async () => {
    const base = await started({});
    const call = (body: unknown) =>
      fetch(`${base}/console/invoke`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        async (r) => [r.status, (await r.json()) as { code: string; data: unknown }] as const,
      );
    const [status, env] = await call({ handler: "ping", input: {} });
    expect([status, env.code, env.data]).toEqual([200, "ok", "pong"]);
    const [missing, refusal] = await call({ handler: "nope" });
    expect([missing, refusal.code]).toEqual([404, "not_found"]);
  });

  it("serves the state: handlers with their routes, schemas and metrics", async () => {
    const base = await started({});
    await fetch(`${base}/greet`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Ada"}' });
    await fetch(`${base}/greet`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":""}' });
    const state = (await (await fetch(`${base}/console/state.json`)).json()) as ConsoleState;
    const greet = state.handlers.find((h) => h.name === "greet") as ConsoleHandler;
    expect(greet.routes).toEqual([
      { server: "http", route: "POST /greet" },
      { server: "ws", route: "greet" },
    ]);
    expect(greet.tryIt).toEqual({ via: "http", route: "POST /greet" });
    expect(greet.input?.required).toEqual(["name"]);
    expect(greet.calls).toMatchObject({ total: 2, errors: 1, byCode: { ok: 1, invalid_argument: 1 } });
    expect(greet.calls.meanMs).toBeGreaterThan(0);
    expect(state.breakers).toEqual([{ name: "user.get", state: "closed" }]);
    expect(state.governance).toBeUndefined();
    expect(state.errors[0]).toMatchObject({ handler: "greet", code: "invalid_argument", transport: "http", route: "POST /greet" });
  });

  it("shows governance's rules and its circuit per marker", async () => {
    const governance = { markers: { pings: { handler: "ping" } }, circuitBreaker: { pings: { force: "open" } } };
    const base = await started({ governance });
    expect((await fetch(`${base}/ping`)).status).toBe(503);
    const state = (await (await fetch(`${base}/console/state.json`)).json()) as ConsoleState;
    expect(state.governance).toEqual(governance);
    expect(state.breakers).toContainEqual({ name: "governance: pings", state: "open" });
  });
});
