// The README's first example, run as written (on port 0), with its curl lines as assertions.
import { type Context, createApp, filters, type Next, services, WegoError } from "@wego/core";
import { Agent } from "undici";
import { expect, it } from "vitest";
import { createHttpRouter } from "./http-router.js";
import { call, onCleanup } from "./test-helpers.js";

it("the README example answers as the README shows", async () => {
  const app = createApp({ name: "exam", logger: false, config: { env: {}, argv: [] } });

  const auth = async (ctx: Context, next: Next) => {
    if (!ctx.meta.authorization) throw new WegoError("unauthenticated", "token required");
    await next();
  };
  const one = (ctx: Context) => void ctx.response("user", (ctx.request as { id: string }).id);

  app.handler("one", filters.create(services.chain(auth, one)));

  const http = createHttpRouter({ port: 0, cors: { origins: ["https://app.example.com"], credentials: true } })
    .get("/exam/one/:id", "one")
    .post("/exam/auth", app.handler("one"));
  app.router("http", http);
  await app.start();
  const agent = new Agent();
  onCleanup(async () => {
    await app.stop({ timeout: 1000 });
    await agent.destroy();
  });

  const base = `http://127.0.0.1:${http.port}`;
  const ok = await call(agent, base, "GET", "/exam/one/42", { headers: { authorization: "x" } });
  expect(ok.json).toEqual({ code: "ok", message: "ok", data: { user: "42" }, requestId: ok.headers["x-request-id"] });
  expect((await call(agent, base, "GET", "/exam/one/42")).status).toBe(401);
});
