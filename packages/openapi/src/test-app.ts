// The app the docs and console tests serve: typed handlers on three schema
// libraries (zod, valibot through its Standard JSON Schema converter,
// arktype), one behind a jwt filter and a rate limit, plus a seed-style
// handler by name, on HTTP, WebSocket and a queue router.
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { createApp, createCircuitBreaker, defineHandler, filters, WegoError } from "@wego/core";
import { createHttpRouter } from "@wego/http";
import { createQueueRouter } from "@wego/redis-queue";
import { createWsRouter } from "@wego/ws";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { recordErrors } from "./index.js";
import { serveDocs } from "./serve-docs.js";

export const secret = "an-hs256-secret-of-at-least-32-bytes!!";

export const greet = defineHandler({
  name: "greet",
  description: "Says hello. Greets in English or Chinese.",
  input: z.object({ name: z.string().min(1).describe("who to greet"), lang: z.enum(["en", "zh"]).default("en") }),
  output: z.object({ greeting: z.string() }),
  examples: [{ name: "in Chinese", input: { name: "wego", lang: "zh" }, output: { greeting: "你好, wego" } }],
  filters: [recordErrors(), filters.metrics()],
  handle: ({ name, lang }) => {
    if (name === "boom") throw new WegoError("failed_precondition", "no booms here", { reason: "NO_BOOM" });
    return { greeting: lang === "zh" ? `你好, ${name}` : `hello, ${name}` };
  },
});

export const userBreaker = createCircuitBreaker();

export const getUser = defineHandler({
  name: "user.get",
  description: "One user by id.",
  input: toStandardJsonSchema(v.object({ id: v.string(), fields: v.optional(v.string()) })),
  output: toStandardJsonSchema(v.object({ id: v.string(), name: v.string() })),
  filters: [filters.metrics(), filters.circuitBreaker(userBreaker)],
  handle: ({ id }) => ({ id, name: "Ada" }),
});

export const secretSum = defineHandler({
  name: "sum",
  description: "Adds two numbers, for callers with a token.",
  input: type({ a: "number", b: "number" }),
  output: type({ sum: "number" }),
  filters: [filters.jwt({ algorithms: ["HS256"], secret }), filters.rateLimit({ limit: 100, windowMs: 1000 })],
  handle: ({ a, b }) => ({ sum: a + b }),
});

/** The app, its routers, docs and console, not started. */
export function docsApp(options: { production?: boolean; console?: boolean; governance?: object } = {}) {
  const app = createApp({
    name: "docs-test",
    logger: false,
    production: options.production ?? false,
    ...(options.governance === undefined ? {} : { config: { defaults: { governance: options.governance } } }),
  });
  app.handler("ping", async () => "pong");
  const http = createHttpRouter({ port: 0 }).post("/greet", greet).get("/users/:id", getUser).post("/sum", secretSum).get("/ping", "ping");
  const ws = createWsRouter({ port: 0 }).route("greet", greet).route("user.get", getUser);
  const queue = createQueueRouter().route("greet", greet).route("ping", "ping");
  serveDocs(http, app, {
    title: "docs test",
    version: "1.2.3",
    description: "The docs tests' app.",
    ws,
    queue,
    breakers: { "user.get": userBreaker },
    ...(options.console === undefined ? {} : { console: options.console }),
  });
  app.router("http", http).router("ws", ws);
  return { app, http, ws, queue };
}
