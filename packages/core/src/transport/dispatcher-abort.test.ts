import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import { type Answer, createDispatcher } from "./dispatcher.js";

let app: App | undefined;
afterEach(async () => {
  await app?.stop({ timeout: 200 });
  app = undefined;
});

// A handler that only ends when its invocation is aborted.
const waitForAbort = (ctx: Context): Promise<unknown> =>
  new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }));

describe("dispatcher.abort", () => {
  it("aborts the matching invocations of this dispatcher only, answering each with the reason, up to the limit", async () => {
    const a = createApp({ logger: false, config: { env: {}, argv: [] } });
    app = a;
    await a.start();
    const d = createDispatcher(a, { transport: "test" });
    const other = createDispatcher(a, { transport: "other" });
    const answered: Array<{ id: string; error: WegoError | undefined }> = [];
    const answer: Answer = (ctx, error) => answered.push({ id: ctx.id, error });
    const target = { route: "r", handler: "h", endpoint: waitForAbort };
    for (const id of ["a-1", "a-2", "b-1", "a-3"]) d.dispatch(target, { id }, answer);
    other.dispatch(target, { id: "a-other" }, answer);
    expect(d.active).toBe(4);

    const reason = new WegoError("cancelled", "client disconnected");
    expect(d.abort((ctx) => ctx.id.startsWith("a-"), reason, 2)).toBe(2);
    expect(d.abort((ctx) => ctx.id.startsWith("a-"), reason)).toBe(1);
    expect(answered.map((x) => x.id).sort()).toEqual(["a-1", "a-2", "a-3"]);
    expect(answered.every((x) => x.error?.code === "cancelled" && x.error.rawMessage === "client disconnected")).toBe(true);
    expect(d.active).toBe(1);
    expect(other.active).toBe(1);
    // Nothing left to match: answered ones are not answered twice.
    expect(d.abort((ctx) => ctx.id.startsWith("a-"), reason)).toBe(0);
    expect(answered).toHaveLength(3);
  });
});
