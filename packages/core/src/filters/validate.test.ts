import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../app.js";
import { createContextKey } from "../context-key.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { validate, validatedKey } from "./validate.js";

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });

const User = z.object({
  name: z.string().min(1),
  age: z.coerce.number().int().min(0),
  tags: z.array(z.object({ label: z.string() })).default([]),
});

describe("filters.validate", () => {
  it("puts the schema's output (coerced, defaults applied) under validatedKey; the request is left as received", async () => {
    const echo: Endpoint = async (ctx) => ({ validated: ctx.get(validatedKey), request: ctx.request });
    const result = await invoke(newApp(), filters.chain(validate(User), echo), { name: "ann", age: "42" });
    expect(result).toEqual({ validated: { name: "ann", age: 42, tags: [] }, request: { name: "ann", age: "42" } });
  });

  it("fails with invalid_argument listing every failing field", async () => {
    const err = (await invoke(
      newApp(),
      filters.chain(validate(User), async () => "unreached"),
      {
        name: "",
        age: -1,
        tags: [{ label: 1 }],
      },
    ).catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("invalid_argument");
    const fields = (err.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(["age", "name", "tags.0.label"]);
    expect(err.rawMessage).toMatch(/^invalid request: .*name: /);
  });

  it("a typed key of your own, another source, and async schemas", async () => {
    const idKey = createContextKey<{ id: number }>("id", { id: 0 });
    const fromMeta = filters.chain(
      validate(z.object({ id: z.coerce.number() }), { key: idKey, from: (ctx) => ({ id: ctx.meta["x-id"] }) }),
      async (ctx) => ctx.get(idKey).id * 2,
    );
    expect(await invoke(newApp(), fromMeta, undefined, { meta: { "x-id": "21" } })).toBe(42);

    // A hand-written Standard Schema whose validate is async, with a root-level issue.
    const even: StandardSchemaV1<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: async (v) => (typeof v === "number" && v % 2 === 0 ? { value: v } : { issues: [{ message: "must be even" }] }),
      },
    };
    const ep = filters.chain(validate(even), async (ctx) => ctx.get(validatedKey));
    expect(await invoke(newApp(), ep, 4)).toBe(4);
    const err = (await invoke(newApp(), ep, 3).catch((e: unknown) => e)) as WegoError;
    expect(err.details).toEqual([{ field: "", message: "must be even" }]);
    expect(err.rawMessage).toBe("invalid request: must be even");
  });
});
