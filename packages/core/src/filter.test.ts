import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import type { Context } from "./context.js";
import { WegoError } from "./errors/wego-error.js";
import { type Endpoint, type Filter, filters } from "./filter.js";
import { invoke } from "./testing/invoke.js";

const app = () => createApp({ logger: false, config: { env: {}, argv: [] } });

describe("filters", () => {
  it("chain(f1, f2, ep) runs f1 outermost", async () => {
    const order: string[] = [];
    const mk =
      (name: string): Filter =>
      (next) =>
      async (ctx) => {
        order.push(`${name}>`);
        const r = await next(ctx);
        order.push(`<${name}`);
        return r;
      };
    const ep: Endpoint = async () => {
      order.push("ep");
      return "done";
    };
    const result = await invoke(app(), filters.chain(mk("f1"), mk("f2"), mk("f3"), ep));
    expect(result).toBe("done");
    expect(order).toEqual(["f1>", "f2>", "f3>", "ep", "<f3", "<f2", "<f1"]);
  });

  it("a filter can short-circuit without reaching the endpoint", async () => {
    let reached = false;
    const deny: Filter = () => async () => {
      throw new WegoError("permission_denied", "no");
    };
    const err = await invoke(
      app(),
      filters.chain(deny, async () => {
        reached = true;
      }),
    ).catch((e: unknown) => e);
    expect(reached).toBe(false);
    expect((err as WegoError).code).toBe("permission_denied");
  });

  it("rejects non-functions at composition time", () => {
    expect(() => filters.chain("nope" as never, (async () => 1) as Endpoint)).toThrow(/filters.chain argument 0/);
    expect(() => (filters.chain as (...a: unknown[]) => Endpoint)()).toThrow(WegoError);
  });

  it("response() turns anything thrown into a WegoError", async () => {
    const cases: Array<[() => never, string]> = [
      [
        () => {
          throw "a string";
        },
        "internal",
      ],
      [
        () => {
          throw new TypeError("x is undefined");
        },
        "internal",
      ],
      [
        () => {
          throw null;
        },
        "internal",
      ],
      [
        () => {
          throw new WegoError("not_found", "gone");
        },
        "not_found",
      ],
    ];
    for (const [thrower, code] of cases) {
      const ep = filters.chain(filters.response(), async () => thrower());
      // app.invoke, not the testing helper: that one normalises errors itself.
      const err = await app()
        .invoke(ep, { transport: "memory" })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WegoError);
      expect((err as WegoError).code).toBe(code);
    }
    // synchronous throw from a non-async endpoint
    const sync = filters.chain(filters.response(), (() => {
      throw new Error("sync");
    }) as unknown as Endpoint);
    const err = await app()
      .invoke(sync, { transport: "memory" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).code).toBe("internal");
  });

  it("create(service) returns what the services built", async () => {
    const result = await invoke(
      app(),
      filters.create((ctx: Context) => void ctx.response("x", 1)),
      { q: 1 },
    );
    expect(result).toEqual({ x: 1 });
  });
});
