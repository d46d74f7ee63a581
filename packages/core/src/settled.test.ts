import { describe, expect, it } from "vitest";
import { type App, createApp } from "./app.js";
import type { Context } from "./context.js";
import { WegoError } from "./errors/wego-error.js";
import { type Endpoint, filters } from "./filter.js";
import { services } from "./service.js";
import { isSettled, settled, settledValue } from "./settled.js";
import { createTestContext } from "./testing/test-context.js";
import { createDispatcher } from "./transport/dispatcher.js";

const app = () => createApp({ logger: false, config: { env: {}, argv: [] } });
/** The endpoint through a transport's dispatcher, as a promise (what `app.invoke` does). */
const callOn = (a: App, endpoint: Endpoint) => createDispatcher(a, { transport: "test" }).call({ route: "r", handler: "h", endpoint }, {});
const init = { transport: "test", route: "r" };
const check = (_ctx: Context, next: () => Promise<void>) => next();
const hello = (ctx: Context) => {
  ctx.response("hello", "world");
};
const later = async (ctx: Context) => {
  await new Promise((r) => setTimeout(r, 1));
  ctx.response("late", true);
};

describe("settled promises (answers without a microtask hop)", () => {
  it("settled(v) is fulfilled with v and marked; a thenable is adopted and left unmarked", async () => {
    const p = settled({ a: 1 });
    expect(isSettled(p)).toBe(true);
    expect(settledValue(p)).toEqual({ a: 1 });
    await expect(p).resolves.toEqual({ a: 1 });
    expect(isSettled(settled(undefined))).toBe(true);
    const adopted = settled(Promise.resolve(2));
    expect(isSettled(adopted)).toBe(false);
    await expect(adopted).resolves.toBe(2);
    expect(isSettled(Promise.resolve(1))).toBe(false);
  });

  it("create and comm mark their promise when every service finished synchronously, and only then", async () => {
    const a = app();
    for (const make of [filters.create, filters.comm]) {
      const sync = make(services.chain(check, hello))(createTestContext(a, init));
      expect(isSettled(sync)).toBe(true);
      expect(settledValue(sync)).toEqual({ hello: "world" });
      const async = make(services.chain(check, later))(createTestContext(a, init));
      expect(isSettled(async)).toBe(false);
      await expect(async).resolves.toEqual({ late: true });
    }
  });

  it("a chain whose service returns something other than undefined is treated as asynchronous", async () => {
    const a = app();
    const p = filters.create(services.chain(check, () => 7 as unknown as undefined))(createTestContext(a, init));
    expect(isSettled(p)).toBe(false);
    await expect(p).resolves.toBeUndefined();
  });

  it("the response filter passes a settled promise through and still normalises failures", async () => {
    const a = app();
    const ok = filters.chain(filters.response(), filters.comm(hello))(createTestContext(a, init));
    expect(isSettled(ok)).toBe(true);
    const failing = filters.chain(
      filters.response(),
      filters.comm(() => {
        throw "a string";
      }),
    )(createTestContext(a, init));
    expect(isSettled(failing)).toBe(false);
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).code).toBe("internal");
  });

  it("create normalises a synchronous throw and an asynchronous rejection alike", async () => {
    const a = app();
    for (const service of [
      () => {
        throw new Error("boom");
      },
      async () => {
        throw new Error("boom");
      },
    ]) {
      const err = await filters
        .create(service)(createTestContext(a, init))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WegoError);
      expect((err as WegoError).code).toBe("internal");
    }
  });

  it("dispatcher.call clears a synchronous invocation from in-flight at once, an asynchronous one when it settles", async () => {
    const a = app();
    const sync = callOn(a, filters.create(hello));
    expect(isSettled(sync)).toBe(true);
    expect(a.inflight).toBe(0);
    const pending = callOn(a, filters.create(later));
    expect(a.inflight).toBe(1);
    await pending;
    expect(a.inflight).toBe(0);
  });

  it("a filter that wraps the result hides the mark, so nobody reads a value it has not produced yet", async () => {
    const a = app();
    const upper = filters.chain((next) => async (ctx) => ({ wrapped: await next(ctx) }), filters.create(hello));
    const p = callOn(a, upper);
    expect(isSettled(p)).toBe(false);
    await expect(p).resolves.toEqual({ wrapped: { hello: "world" } });
  });
});
