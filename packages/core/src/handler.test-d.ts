// Type-level tests, checked by vitest's typecheck (tsc) as part of `pnpm test`.
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Context } from "./context.js";
import { defineHandler, type Handler, type InputOf, type OutputOf } from "./handler.js";

const greet = defineHandler({
  name: "greet",
  input: z.object({ name: z.string().min(1), times: z.coerce.number().int().default(1) }),
  output: z.object({ message: z.string() }),
  handle: ({ name, times }) => ({ message: `hello ${name}`.repeat(times) }),
});

describe("types", () => {
  it("infers handle's input from a zod schema, and what callers send", () => {
    defineHandler({
      input: z.object({ name: z.string(), n: z.coerce.number().default(1) }),
      handle: (input) => {
        expectTypeOf(input).toEqualTypeOf<{ name: string; n: number }>();
        return input.n;
      },
    });
    expectTypeOf<InputOf<typeof greet>>().toEqualTypeOf<{ name: string; times?: unknown }>();
    expectTypeOf<OutputOf<typeof greet>>().toEqualTypeOf<{ message: string }>();
  });

  it("infers from a valibot schema the same way", () => {
    const h = defineHandler({
      input: v.object({ id: v.string(), tags: v.optional(v.array(v.string()), []) }),
      handle: (input) => {
        expectTypeOf(input).toEqualTypeOf<{ id: string; tags: string[] }>();
        return { count: input.tags.length };
      },
    });
    expectTypeOf<InputOf<typeof h>>().toEqualTypeOf<{ id: string; tags?: string[] | undefined }>();
    expectTypeOf<OutputOf<typeof h>>().toEqualTypeOf<{ count: number }>();
  });

  it("makes handle return what the output schema says", () => {
    defineHandler({
      output: z.object({ ok: z.boolean() }),
      // @ts-expect-error: a number is not { ok: boolean }
      handle: () => 1,
    });
    defineHandler({
      input: z.object({ a: z.string() }),
      // @ts-expect-error: the input has no field b
      handle: (input) => input.b,
    });
  });

  it("is an endpoint any route accepts", () => {
    expectTypeOf(greet).toMatchTypeOf<(ctx: Context) => Promise<unknown>>();
    expectTypeOf(greet).toMatchTypeOf<Handler<{ name: string }, { message: string }>>();
    expectTypeOf<InputOf<"by name">>().toEqualTypeOf<unknown>();
  });
});
