import { expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { describeRouterConformance } from "./conformance.js";
import { createMemoryRouter, type MemoryRouter } from "./memory-router.js";

// The suite against the reference (in-memory) router: proves the suite itself.
describeRouterConformance("memory", () => {
  let router: MemoryRouter;
  return {
    transport: "memory",
    mount(app: App, routes) {
      router = createMemoryRouter();
      for (const r of routes) router.route(r, r);
      app.router("memory", router);
    },
    register(route, target) {
      router.route(route, target);
    },
    async call(route, input, options) {
      const body = (await router.call(route, input, {
        ...(options?.requestId === undefined ? {} : { id: options.requestId }),
        ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      })) as { code: never; data: unknown; message: string; requestId: string; reason?: string; details?: unknown };
      return body;
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createMemoryRouter().route("a", app.handler("echo")).route("b", "other").routes?.()).toEqual([
    { route: "a", handler: "echo" },
    { route: "b", handler: "other" },
  ]);
});
