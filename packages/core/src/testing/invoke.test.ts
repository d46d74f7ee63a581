import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { legacyEnvelope } from "../envelope.js";
import { WegoError } from "../errors/wego-error.js";
import { invoke, invokeEnvelope } from "./invoke.js";

describe("testing helpers", () => {
  it("invoke returns the result or rejects with a WegoError", async () => {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    app.handler("ok", async (ctx) => ({ got: ctx.request, transport: ctx.transport }));
    app.handler("bad", async () => {
      throw new Error("plain");
    });
    expect(await invoke(app, "ok", { a: 1 })).toEqual({ got: { a: 1 }, transport: "memory" });
    await expect(invoke(app, "bad")).rejects.toBeInstanceOf(WegoError);
    await expect(invoke(app, "missing")).rejects.toThrow(/handler "missing" is not registered/);
  });

  it("invokeEnvelope renders the app's envelope", async () => {
    const app = createApp({ logger: false, envelope: legacyEnvelope, config: { env: {}, argv: [] } });
    app.handler("ok", async () => ({ a: 1 }));
    expect(await invokeEnvelope(app, "ok")).toEqual({ ret: 200, code: "0000", data: { a: 1 }, message: "请求成功" });
  });
});
