// What docs and consoles read of a route: the typed handler's info on the
// listing (non-enumerable, so listings stay { route, handler }), and the
// names of its named filters.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "./app.js";
import { filters } from "./filter.js";
import { defineHandler } from "./handler.js";
import { createMemoryRouter } from "./testing/memory-router.js";

const greet = defineHandler({
  name: "greet",
  description: "Says hello.",
  input: z.object({ name: z.string() }),
  filters: [filters.jwt({ algorithms: ["HS256"], secret: "a-secret-of-at-least-32-bytes-long!" }), filters.rateLimit(), filters.metrics()],
  handle: ({ name }) => `hello ${name}`,
});

describe("route info", () => {
  it("lists a typed handler's info on router.routes() and app.routes(), not enumerable", async () => {
    const app = createApp({ name: "t", logger: false });
    app.handler("plain", async () => 1);
    const router = createMemoryRouter().route("greet", greet).route("plain", "plain");
    app.router("mem", router);
    await app.start();
    const [typed, plain] = router.routes?.() ?? [];
    expect(typed?.info).toBe(greet.info);
    expect(plain?.info).toBeUndefined();
    expect(JSON.stringify(router.routes?.() ?? [])).toBe('[{"route":"greet","handler":"greet"},{"route":"plain","handler":"plain"}]');
    expect(app.routes()[0]?.info?.description).toBe("Says hello.");
    expect(Object.keys(app.routes()[0] ?? {})).toEqual(["route", "handler", "server"]);
    await app.stop();
  });

  it("names the typed handler's named filters, outermost first", () => {
    expect(greet.info.filters).toEqual(["jwt", "rateLimit"]);
    expect(defineHandler({ handle: () => 1 }).info.filters).toEqual([]);
    expect([filters.timeout(100), filters.bulkhead({ maxConcurrent: 1 }), filters.circuitBreaker()].map((f) => f.name)).toEqual([
      "timeout",
      "bulkhead",
      "circuitBreaker",
    ]);
  });
});
