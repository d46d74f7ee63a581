import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { bulkhead } from "./bulkhead.js";

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });

/** An endpoint whose calls wait until the test lets them finish, in order. */
function gated() {
  const pending: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const ep: Endpoint = async (ctx) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((r) => pending.push(r));
    running--;
    return ctx.request;
  };
  return {
    ep,
    releaseOne: () => pending.shift()?.(),
    get running() {
      return running;
    },
    get peak() {
      return peak;
    },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("filters.bulkhead", () => {
  it("runs at most maxConcurrent at once, queues up to maxQueue, refuses the rest", async () => {
    const app = newApp();
    const g = gated();
    const ep = filters.chain(bulkhead({ maxConcurrent: 2, maxQueue: 1 }), g.ep);
    const a = invoke(app, ep, "a");
    const b = invoke(app, ep, "b");
    const c = invoke(app, ep, "c"); // queued
    const d = await invoke(app, ep, "d").catch((e: unknown) => e); // refused
    expect((d as WegoError).code).toBe("resource_exhausted");
    await tick();
    expect(g.running).toBe(2);
    g.releaseOne();
    expect(await a).toBe("a");
    await tick();
    expect(g.running).toBe(2); // c took a's slot
    g.releaseOne();
    g.releaseOne();
    expect([await b, await c]).toEqual(["b", "c"]);
    expect(g.peak).toBe(2);
    // all slots free again
    const e = invoke(app, ep, "e");
    await tick();
    g.releaseOne();
    expect(await e).toBe("e");
  });

  it("a failing call frees its slot", async () => {
    const app = newApp();
    const ep = filters.chain(bulkhead({ maxConcurrent: 1 }), async () => {
      throw new WegoError("internal", "boom");
    });
    for (let i = 0; i < 3; i++) await expect(invoke(app, ep)).rejects.toMatchObject({ code: "internal" });
  });

  it("a waiter gives up at queueTimeoutMs, or when its invocation is aborted", async () => {
    const app = newApp();
    const g = gated();
    const ep = filters.chain(bulkhead({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 30 }), g.ep);
    const first = invoke(app, ep, "first");
    const timedOut = invoke(app, ep, "late").catch((e: unknown) => e);
    const ac = new AbortController();
    const aborted = invoke(app, ep, "aborted", { signal: ac.signal }).catch((e: unknown) => e);
    ac.abort(new WegoError("cancelled", "client went away"));
    expect(((await aborted) as WegoError).code).toBe("cancelled");
    expect(((await timedOut) as WegoError).code).toBe("deadline_exceeded");
    g.releaseOne();
    expect(await first).toBe("first");
    expect(g.peak).toBe(1);
    // the queue is empty again: a new call runs at once
    const next = invoke(app, ep, "next");
    await tick();
    expect(g.running).toBe(1);
    g.releaseOne();
    expect(await next).toBe("next");
  });

  it("rejects bad options when created", () => {
    expect(() => bulkhead({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => bulkhead({ maxConcurrent: 1, maxQueue: -1 })).toThrow(/maxQueue/);
  });
});
