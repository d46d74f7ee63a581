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
    async call(route, input, options) {
      const body = (await router.call(route, input, options?.requestId ? { id: options.requestId } : {})) as {
        code: string;
        data: unknown;
        message: string;
        requestId: string;
      };
      return { code: body.code as never, data: body.data, message: body.message, requestId: body.requestId };
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
