import { defineHandler } from "@wego/core";
import { z } from "zod";

/**
 * The typed style next to the seed's: a handler defined by its input and
 * output schemas. Every router serves the value itself (HTTP `POST
 * /exam/greet`, gRPC route `Greet`, WebSocket route `greet`, the command
 * `exam.greet`); each refuses a bad input with `invalid_argument` naming the
 * field before `handle` runs, and `handle` gets the input typed.
 */
export const greet = defineHandler({
  name: "greet",
  description: "Greets someone by name, in English or Chinese.",
  input: z.object({
    name: z.string().min(1).max(64),
    lang: z.enum(["en", "zh"]).default("en"),
  }),
  output: z.object({ greeting: z.string(), requestId: z.string() }),
  examples: [{ name: "in Chinese", input: { name: "wego", lang: "zh" }, output: { greeting: "你好, wego", requestId: "…" } }],
  handle: ({ name, lang }, ctx) => ({ greeting: lang === "zh" ? `你好, ${name}` : `hello, ${name}`, requestId: ctx.id }),
});
