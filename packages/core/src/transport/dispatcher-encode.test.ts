import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import type { WegoError } from "../errors/wego-error.js";
import { createDispatcher } from "./dispatcher.js";

let app: App;
afterEach(async () => {
  await app?.stop({ timeout: 200 });
});

describe("dispatcher.encode", () => {
  it("writes a result JSON can't carry as an internal fault and tells `failed`, so the transport can pick its status", () => {
    app = createApp({ logger: false, production: true, config: { env: {}, argv: [] } });
    const d = createDispatcher(app, { transport: "test" });
    const ctx = d.context("r", { id: "enc-1" });
    let told: WegoError | undefined;
    const text = d.encode(ctx, undefined, { n: 1n }, (e) => {
      told = e;
    });
    expect(told?.code).toBe("internal");
    expect(JSON.parse(text)).toMatchObject({ code: "internal", message: "internal error", requestId: "enc-1" });
    told = undefined;
    expect(JSON.parse(d.encode(ctx, undefined, { n: 1 }, (e) => (told = e)))).toMatchObject({ code: "ok", data: { n: 1 } });
    expect(told).toBeUndefined();
  });
});
