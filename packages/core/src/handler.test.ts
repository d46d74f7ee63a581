import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, createApp } from "./app.js";
import type { Context } from "./context.js";
import { WegoError } from "./errors/wego-error.js";
import { filters } from "./filter.js";
import { defineHandler, handlerInfo } from "./handler.js";
import { invoke } from "./testing/invoke.js";

let app: App;
afterEach(async () => {
  await app?.stop();
});

function makeApp(production = false): App {
  app = createApp({ logger: false, production, config: { env: {}, argv: [] } });
  return app;
}

const greet = defineHandler({
  name: "greet",
  description: "Says hello.",
  input: z.object({ name: z.string().min(1), times: z.coerce.number().int().default(1) }),
  output: z.object({ message: z.string() }),
  examples: [{ name: "Ada", input: { name: "Ada" }, output: { message: "hello Ada" } }],
  handle: ({ name, times }) => ({ message: `hello ${name}`.repeat(times) }),
});

describe("defineHandler", () => {
  it("gives handle the validated input (coerced, defaults applied) and returns its output", async () => {
    const a = makeApp();
    a.handler(greet);
    await a.start();
    expect(await invoke(a, "greet", { name: "Ada" })).toEqual({ message: "hello Ada" });
    expect(await invoke(a, "greet", { name: "Bo", times: "2" })).toEqual({ message: "hello Bohello Bo" });
  });

  it("refuses invalid input with invalid_argument and one issue per field", async () => {
    const a = makeApp();
    a.handler(greet);
    await a.start();
    const err = (await invoke(a, "greet", { name: "", times: "x" }).catch((e) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("invalid_argument");
    expect(err.reason).toBe("WEGO_ERR_INPUT_INVALID");
    expect((err.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual(["name", "times"]);
  });

  it("checks the output outside production, not in production", async () => {
    const liar = defineHandler({
      name: "liar",
      output: z.object({ n: z.number() }),
      // A bug the output schema catches: the compiler is bypassed on purpose.
      handle: () => ({ n: "not a number" }) as unknown as { n: number },
    });
    const dev = makeApp(false);
    dev.handler(liar);
    await dev.start();
    const err = (await invoke(dev, "liar", {}).catch((e) => e)) as WegoError;
    expect(err.reason).toBe("WEGO_ERR_OUTPUT_INVALID");
    expect(err.code).toBe("internal");
    await dev.stop();
    const prod = makeApp(true);
    prod.handler(liar);
    await prod.start();
    expect(await invoke(prod, "liar", {})).toEqual({ n: "not a number" });
  });

  it("works with valibot and with async schemas and handlers", async () => {
    const a = makeApp();
    const asyncSchema = v.pipeAsync(
      v.object({ id: v.string() }),
      v.checkAsync(async (x) => x.id !== "taken", "id is taken"),
    );
    a.handler(
      defineHandler({
        name: "claim",
        input: asyncSchema,
        handle: async ({ id }) => ({ claimed: id }),
      }),
    );
    await a.start();
    expect(await invoke(a, "claim", { id: "mine" })).toEqual({ claimed: "mine" });
    const err = (await invoke(a, "claim", { id: "taken" }).catch((e) => e)) as WegoError;
    expect(err.code).toBe("invalid_argument");
    expect(err.rawMessage).toContain("id is taken");
  });

  it("runs its filters outside the validation, outermost first", async () => {
    const order: string[] = [];
    const tag = (name: string) => (next: (ctx: Context) => Promise<unknown>) => (ctx: Context) => {
      order.push(name);
      return next(ctx);
    };
    const a = makeApp();
    a.handler(
      defineHandler({
        name: "guarded",
        input: z.object({ x: z.number() }),
        filters: [tag("outer"), tag("inner")],
        handle: ({ x }) => {
          order.push("handle");
          return x;
        },
      }),
    );
    await a.start();
    expect(await invoke(a, "guarded", { x: 1 })).toBe(1);
    await invoke(a, "guarded", { x: "no" }).catch(() => {});
    expect(order).toEqual(["outer", "inner", "handle", "outer", "inner"]);
  });

  it("carries its description, schemas and examples for docs, and its name", () => {
    const info = handlerInfo(greet);
    expect(info?.name).toBe("greet");
    expect(info?.description).toBe("Says hello.");
    expect(info?.examples).toHaveLength(1);
    expect(greet.name).toBe("greet");
    expect(handlerInfo(async () => 1)).toBeUndefined();
  });

  it("composes with the seed's style: a typed handler and filters.create side by side", async () => {
    const a = makeApp();
    a.handler(greet);
    a.handler(
      "seed",
      filters.create(async (ctx, next) => {
        ctx.response("seed", true);
        await next();
      }),
    );
    await a.start();
    expect(await invoke(a, "seed", {})).toEqual({ seed: true });
    expect(await invoke(a, greet, { name: "direct" })).toEqual({ message: "hello direct" });
  });

  it("refuses app.handler(h) for a handler without a name", () => {
    const a = makeApp();
    expect(() => a.handler(defineHandler({ handle: () => 1 }))).toThrow(/name/);
  });
});
