import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import type { Context } from "./context.js";
import { WegoError } from "./errors/wego-error.js";
import { filters } from "./filter.js";
import { type Next, services } from "./service.js";
import { invoke } from "./testing/invoke.js";

const app = () => createApp({ logger: false, config: { env: {}, argv: [] } });

describe("services.chain", () => {
  it("runs as an onion: before-code in order, after-code in reverse", async () => {
    const order: string[] = [];
    const mk = (name: string) => async (_ctx: Context, next: Next) => {
      order.push(`${name}:in`);
      await next();
      order.push(`${name}:out`);
    };
    await invoke(app(), filters.comm(services.chain(mk("a"), mk("b"), mk("c"))));
    expect(order).toEqual(["a:in", "b:in", "c:in", "c:out", "b:out", "a:out"]);
  });

  it("lets a service see what later services produced after await next()", async () => {
    let seen: unknown;
    const audit = async (ctx: Context, next: Next) => {
      await next();
      seen = structuredClone(ctx.result);
      ctx.response("audited", true);
    };
    const business = (ctx: Context) => {
      ctx.response("user", { id: 7 });
    };
    const result = await invoke(app(), filters.comm(services.chain(audit, business)));
    expect(seen).toEqual({ user: { id: 7 } });
    expect(result).toEqual({ user: { id: 7 }, audited: true });
  });

  it("accepts objects with handle(ctx, next), like the seed's services", async () => {
    class OneService {
      async handle(ctx: Context, next: Next) {
        ctx.response("one", 1);
        await next();
      }
    }
    class TwoService {
      async handle(ctx: Context, next: Next) {
        ctx.response("two", 2);
        await next();
      }
    }
    const result = await invoke(app(), filters.create(services.chain(new OneService(), new TwoService())));
    expect(result).toEqual({ one: 1, two: 2 });
  });

  it("rejects next() called twice", async () => {
    const twice = async (_ctx: Context, next: Next) => {
      await next();
      await next();
    };
    const err = await invoke(app(), filters.comm(services.chain(twice, () => {}))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).reason).toBe("WEGO_ERR_NEXT_TWICE");
    const single = await invoke(app(), filters.comm(services.chain(twice))).catch((e: unknown) => e);
    expect((single as WegoError).reason).toBe("WEGO_ERR_NEXT_TWICE");
  });

  it("stops the chain where a service doesn't call next", async () => {
    const ran: string[] = [];
    const result = await invoke(
      app(),
      filters.comm(
        services.chain(
          (ctx: Context) => {
            ran.push("cache");
            ctx.result = "cached";
          },
          () => {
            ran.push("db");
          },
        ),
      ),
    );
    expect(ran).toEqual(["cache"]);
    expect(result).toBe("cached");
  });

  it("propagates errors outward, where a service can catch them", async () => {
    const caught: unknown[] = [];
    const guard = async (_ctx: Context, next: Next) => {
      try {
        await next();
      } catch (err) {
        caught.push(err);
        throw new WegoError("unavailable", "wrapped", { cause: err });
      }
    };
    const boom = () => {
      throw new Error("boom");
    };
    const err = await invoke(app(), filters.comm(services.chain(guard, boom))).catch((e: unknown) => e);
    expect((caught[0] as Error).message).toBe("boom");
    expect((err as WegoError).code).toBe("unavailable");
  });

  it("nests chains and validates members at composition time", async () => {
    const inner = services.chain((ctx: Context, next: Next) => {
      ctx.response("inner", true);
      return next();
    });
    const result = await invoke(app(), filters.comm(services.chain(inner, (ctx: Context) => void ctx.response("after", true))));
    expect(result).toEqual({ inner: true, after: true });
    expect(() => services.chain({} as never)).toThrow(/handle\(ctx, next\)/);
    expect(() => services.chain(42 as never)).toThrow(WegoError);
  });
});

describe("services.parallel", () => {
  it("merges results in argument order, whatever finishes first", async () => {
    const slow = async (ctx: Context) => {
      await new Promise((r) => setTimeout(r, 30));
      ctx.response("k", "slow").response("a", 1);
    };
    const fast = async (ctx: Context) => {
      ctx.response("k", "fast").response("b", 2);
    };
    const after = (ctx: Context) => void ctx.response("after", true);
    const result = await invoke(app(), filters.comm(services.chain(services.parallel(slow, fast), after)));
    expect(result).toEqual({ k: "fast", a: 1, b: 2, after: true });
    const reversed = await invoke(app(), filters.comm(services.parallel(fast, slow)));
    expect(reversed).toEqual({ k: "slow", a: 1, b: 2 });
  });

  it("aborts siblings through the signal on the first failure", async () => {
    let siblingReason: unknown;
    const sibling = (ctx: Context) =>
      new Promise<void>((resolve) => {
        ctx.signal.addEventListener("abort", () => {
          siblingReason = ctx.signal.reason;
          resolve();
        });
      });
    const failing = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new WegoError("not_found", "missing");
    };
    const err = await invoke(app(), filters.comm(services.parallel(sibling, failing))).catch((e: unknown) => e);
    expect((err as WegoError).code).toBe("not_found");
    await new Promise((r) => setTimeout(r, 5));
    expect((siblingReason as WegoError).code).toBe("aborted");
  });

  it("keeps branches' values apart until merge", async () => {
    const seen: unknown[] = [];
    const a = async (ctx: Context) => {
      ctx.set("who", "a");
      await new Promise((r) => setTimeout(r, 10));
      seen.push(ctx.get("who"));
    };
    const b = async (ctx: Context) => {
      ctx.set("who", "b");
      seen.push(ctx.get("who"));
    };
    let final: unknown;
    await invoke(
      app(),
      filters.comm(
        services.chain(services.parallel(a, b), (ctx: Context) => {
          final = ctx.get("who");
        }),
      ),
    );
    expect(seen.sort()).toEqual(["a", "b"]);
    expect(final).toBe("b");
  });
});
