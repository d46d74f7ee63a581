import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import { filters } from "../filter.js";
import { type Answer, createDispatcher, type Dispatcher } from "./dispatcher.js";

interface Got {
  ctx: Context;
  error: WegoError | undefined;
  result: unknown;
}

function recorder(): { answer: Answer; got: Got[]; next: () => Promise<Got> } {
  const got: Got[] = [];
  const waiting: Array<(g: Got) => void> = [];
  return {
    got,
    answer: (ctx, error, result) => {
      const g = { ctx, error, result };
      got.push(g);
      waiting.shift()?.(g);
    },
    next: () => (got.length > 0 ? Promise.resolve(got[got.length - 1] as Got) : new Promise<Got>((r) => waiting.push(r))),
  };
}

function logLines(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n")) if (l.trim() !== "") lines.push(JSON.parse(l));
      cb();
    },
  });
  return { stream, lines };
}

let app: App;
afterEach(async () => {
  await app?.stop({ timeout: 200 });
});

function setup(opts: { logger?: pino.Logger } = {}): Dispatcher {
  app = createApp({ logger: opts.logger ?? false, production: true, config: { env: {}, argv: [] } });
  return createDispatcher(app, { transport: "test" });
}

const target = (endpoint: (ctx: Context) => Promise<unknown>) => ({ route: "r", handler: "h", endpoint });

describe("dispatch", () => {
  it("answers a synchronously finished handler before dispatch returns, and an async one later", async () => {
    const d = setup();
    const rec = recorder();
    d.dispatch(target(filters.create((ctx) => void ctx.response("a", 1))), { request: {} }, rec.answer);
    expect(rec.got).toHaveLength(1);
    expect(rec.got[0]?.result).toEqual({ a: 1 });
    d.dispatch(
      target(async () => "later"),
      { request: {} },
      rec.answer,
    );
    expect(rec.got).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(rec.got[1]?.result).toBe("later");
    expect(d.active).toBe(0);
    expect(app.inflight).toBe(0);
  });

  it("adopts a valid caller request id and replaces an invalid one", () => {
    const d = setup();
    const rec = recorder();
    const ep = target(async (ctx) => ctx.id);
    expect(d.dispatch(ep, { id: "abc-1.2:3" }, rec.answer).id).toBe("abc-1.2:3");
    for (const bad of ["", "has space", "x".repeat(129), 'quote"', ["a", "b"], 42, "ünïcode"]) {
      const id = d.dispatch(ep, { id: bad }, rec.answer).id;
      expect(id).not.toBe(bad);
      expect(id.length).toBeGreaterThan(0);
    }
  });

  it("refuses deep input and forbidden keys with invalid_argument before the handler runs", () => {
    const d = setup();
    const rec = recorder();
    let ran = 0;
    const ep = target(async () => ran++);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    d.dispatch(ep, { request: { a: deep } }, rec.answer);
    d.dispatch(ep, { request: JSON.parse('{"x":{"__proto__":{"polluted":1}}}') }, rec.answer);
    d.dispatch(ep, { request: { list: [{ constructor: { prototype: 1 } }] } }, rec.answer);
    expect(rec.got.map((g) => [g.error?.code, g.error?.reason])).toEqual([
      ["invalid_argument", "WEGO_ERR_INPUT_TOO_DEEP"],
      ["invalid_argument", "WEGO_ERR_INPUT_KEY"],
      ["invalid_argument", "WEGO_ERR_INPUT_KEY"],
    ]);
    expect(ran).toBe(0);
  });

  it("answers deadline_exceeded when the deadline passes, even if the handler ignores its signal", async () => {
    const d = setup();
    const rec = recorder();
    let release!: () => void;
    d.dispatch(
      target(() => new Promise((r) => (release = () => r("late")))),
      { deadline: Date.now() + 30 },
      rec.answer,
    );
    const g = await rec.next();
    expect(g.error?.code).toBe("deadline_exceeded");
    release();
    await new Promise((r) => setImmediate(r));
    expect(rec.got).toHaveLength(1); // answered once
    expect(app.inflight).toBe(0);
  });

  it("after close refuses new invocations unavailable but serves admitted ones", async () => {
    const d = setup();
    const rec = recorder();
    d.admit();
    d.close();
    d.dispatch(
      target(async () => "new"),
      {},
      rec.answer,
    );
    expect(rec.got[0]?.error?.reason).toBe("WEGO_ERR_APP_STOPPING");
    expect(rec.got[0]?.error?.code).toBe("unavailable");
    d.dispatch(
      target(async () => "admitted"),
      { admitted: true },
      rec.answer,
    );
    await new Promise((r) => setImmediate(r));
    expect(rec.got[1]?.result).toBe("admitted");
    expect(d.active).toBe(0);
  });

  it("drain waits for in-flight work and answers what is left at the deadline unavailable", async () => {
    const d = setup();
    const rec = recorder();
    let release!: () => void;
    d.dispatch(
      target(() => new Promise((r) => (release = () => r("done")))),
      {},
      rec.answer,
    );
    d.dispatch(
      target(() => new Promise(() => {})),
      {},
      rec.answer,
    );
    const ac = new AbortController();
    const drained = d.drain(ac.signal);
    release();
    await new Promise((r) => setImmediate(r));
    expect(rec.got.map((g) => g.result)).toEqual(["done"]);
    ac.abort();
    await drained;
    expect(rec.got[1]?.error?.reason).toBe("WEGO_ERR_SHUTDOWN_DEADLINE");
    expect(rec.got[1]?.error?.code).toBe("unavailable");
    expect(app.inflight).toBe(0);
  });

  it("logs a fault once with its stack, a refusal below error without one", async () => {
    const { stream, lines } = logLines();
    const d = setup({ logger: pino({ level: "debug" }, stream) });
    const rec = recorder();
    d.dispatch(target(filters.create(() => Promise.reject(new Error("boom")))), {}, rec.answer);
    d.dispatch(
      target(async () => Promise.reject(new WegoError("resource_exhausted", "slow down"))),
      {},
      rec.answer,
    );
    await new Promise((r) => setTimeout(r, 20));
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain("boom");
    const refusal = lines.find((l) => (l.msg as string)?.includes("slow down"));
    expect(refusal?.level).toBe(20);
    expect(JSON.stringify(refusal)).not.toContain("stack");
    expect(rec.got.map((g) => g.error?.code)).toEqual(["internal", "resource_exhausted"]);
  });

  it("encodes the default envelope as the same JSON as stringifying it", () => {
    const d = setup();
    const rec = recorder();
    const ctx = d.dispatch(
      target(async () => 1),
      { id: "rid-1" },
      rec.answer,
    );
    const data = { a: [1, "x"], b: null };
    expect(d.encode(ctx, undefined, data)).toBe(JSON.stringify(app.envelope.ok(data, ctx)));
    expect(JSON.parse(d.encode(ctx, undefined, 10n))).toMatchObject({ code: "internal", requestId: "rid-1" });
  });

  it("call() gives a promise: the result, or what the handler threw; a deadline still wins", async () => {
    const d = setup();
    expect(
      await d.call(
        target(async () => "v"),
        {},
      ),
    ).toBe("v");
    expect(await d.call(target(filters.create((ctx) => void ctx.response("s", 1))), {})).toEqual({ s: 1 });
    const raw = new Error("x");
    expect(
      await d
        .call(
          target(() => Promise.reject(raw)),
          {},
        )
        .catch((err: unknown) => err),
    ).toBe(raw);
    const viaCreate = await d.call(target(filters.create(() => Promise.reject(raw))), {}).catch((err: unknown) => err);
    expect((viaCreate as WegoError).code).toBe("internal");
    const refused = await d
      .call(
        target(async () => 1),
        { request: { ["__proto__"]: 1 } as never },
      )
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WegoError);
    const late = await d
      .call(
        target(() => new Promise(() => {})),
        { deadline: Date.now() + 20 },
      )
      .catch((err: WegoError) => err.code);
    expect(late).toBe("deadline_exceeded");
    expect(app.inflight).toBe(0);
    expect(d.active).toBe(0);
  });

  it("logs an answer that throws instead of letting it escape, sync or async", async () => {
    const { stream, lines } = logLines();
    const d = setup({ logger: pino({ level: "debug" }, stream) });
    const thrower: Answer = () => {
      throw new Error("the transport's write failed");
    };
    d.dispatch(target(filters.create((ctx) => void ctx.response("a", 1))), {}, thrower);
    d.dispatch(
      target(async () => 1),
      {},
      thrower,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.filter((l) => String(l.msg).includes("answer")).length).toBe(2);
    expect(app.inflight).toBe(0);
  });

  it("ends a drain when an admitted request is refused (bad input) instead of waiting for the deadline", async () => {
    const d = setup();
    const rec = recorder();
    d.admit();
    const ac = new AbortController();
    let drained = false;
    const draining = d.drain(ac.signal).then(() => {
      drained = true;
    });
    d.dispatch(
      target(async () => "never"),
      { admitted: true, request: JSON.parse('{"__proto__":{"x":1}}') },
      rec.answer,
    );
    expect(rec.got[0]?.error?.reason).toBe("WEGO_ERR_INPUT_KEY");
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(true);
    expect(d.active).toBe(0);
    ac.abort();
    await draining;
  });
});
