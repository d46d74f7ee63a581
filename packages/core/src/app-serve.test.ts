import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import type { Context } from "./context.js";
import { WegoError } from "./errors/wego-error.js";
import { filters } from "./filter.js";
import { services } from "./service.js";

const quiet = () => createApp({ logger: false, config: { env: {}, argv: [] } });
const init = { transport: "test", route: "r" };
type Outcome = { result: unknown; error: unknown; failed: boolean; inflight: number };

describe("app.serve (a transport's run with the reply on the tracking reaction)", () => {
  it("answers a synchronously finished handler before returning, already out of the in-flight set", () => {
    const app = quiet();
    const seen: Outcome[] = [];
    const ep = filters.create((ctx: Context) => {
      ctx.response("hello", "world");
    });
    app.serve(ep, app.context(init), (result, error, failed) => seen.push({ result, error, failed, inflight: app.inflight }));
    expect(seen).toEqual([{ result: { hello: "world" }, error: undefined, failed: false, inflight: 0 }]);
    // A plain function returning a bare value is answered at once too.
    app.serve((() => 42) as never, app.context(init), (result, error, failed) =>
      seen.push({ result, error, failed, inflight: app.inflight }),
    );
    expect(seen[1]).toEqual({ result: 42, error: undefined, failed: false, inflight: 0 });
  });

  it("answers a pending handler once, after tracking ended, with its result", async () => {
    const app = quiet();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: Outcome[] = [];
    const ep = filters.create(
      services.chain(async (ctx: Context) => {
        await gate;
        ctx.result = "late";
      }),
    );
    app.serve(ep, app.context(init), (result, error, failed) => seen.push({ result, error, failed, inflight: app.inflight }));
    expect(seen).toEqual([]);
    expect(app.inflight).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([{ result: "late", error: undefined, failed: false, inflight: 0 }]);
  });

  it("hands over rejections and synchronous throws as they were, with failed set", async () => {
    const app = quiet();
    const seen: Outcome[] = [];
    const reply = (result: unknown, error: unknown, failed: boolean) => seen.push({ result, error, failed, inflight: app.inflight });
    const boom = new Error("boom");
    app.serve(
      () => {
        throw boom;
      },
      app.context(init),
      reply,
    );
    expect(seen).toEqual([{ result: undefined, error: boom, failed: true, inflight: 0 }]);
    const denied = new WegoError("permission_denied", "no");
    app.serve(() => Promise.reject(denied), app.context(init), reply);
    // A rejection with undefined is still a failure: `failed` tells it from a result.
    app.serve(() => Promise.reject(undefined), app.context(init), reply);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.slice(1)).toEqual([
      // Both were started before either settled: the first reply sees the second still in flight.
      { result: undefined, error: denied, failed: true, inflight: 1 },
      { result: undefined, error: undefined, failed: true, inflight: 0 },
    ]);
  });

  it("through filters.create: a failing service arrives normalised, an unexpected fault as internal", async () => {
    const app = quiet();
    const seen: Outcome[] = [];
    const reply = (result: unknown, error: unknown, failed: boolean) => seen.push({ result, error, failed, inflight: app.inflight });
    const denied = new WegoError("permission_denied", "no");
    app.serve(
      filters.create(() => {
        throw denied;
      }),
      app.context(init),
      reply,
    );
    app.serve(
      filters.create(async () => {
        await Promise.resolve();
        throw new TypeError("a bug");
      }),
      app.context(init),
      reply,
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toHaveLength(2);
    const [first, second] = seen as [Outcome, Outcome];
    expect(first).toMatchObject({ result: undefined, error: denied, failed: true });
    expect(second.failed).toBe(true);
    expect((second.error as WegoError).code).toBe("internal");
    expect(second.inflight).toBe(0);
  });

  it("refuses while stopping, as a failure with the app-stopping error", async () => {
    const app = quiet();
    await app.start();
    await app.stop();
    const seen: Outcome[] = [];
    app.serve(
      async () => "never",
      app.context(init),
      (result, error, failed) => seen.push({ result, error, failed, inflight: app.inflight }),
    );
    expect(seen).toHaveLength(1);
    const [refused] = seen as [Outcome];
    expect(refused.failed).toBe(true);
    expect((refused.error as WegoError).code).toBe("unavailable");
    expect((refused.error as WegoError).reason).toBe("WEGO_ERR_APP_STOPPING");
  });

  it("a reply that throws from the reaction is logged, not left as an unhandled rejection", async () => {
    const lines: Array<{ msg: string }> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = createApp({ logger: pino(sink), config: { env: {}, argv: [] } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const throwing = () => {
        throw new Error("transport bug");
      };
      app.serve(async () => "x", app.context(init), throwing);
      // The same through a filters.create endpoint.
      const later = filters.create(async (ctx: Context) => {
        await new Promise((r) => setTimeout(r, 1));
        ctx.result = "x";
      });
      app.serve(later, app.context(init), throwing);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(lines.filter((l) => /reply to r threw/.test(l.msg))).toHaveLength(2);
    expect(app.inflight).toBe(0);
  });
});
