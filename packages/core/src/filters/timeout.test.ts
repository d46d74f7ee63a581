import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { timeout } from "./timeout.js";

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("filters.timeout", () => {
  it("fails with deadline_exceeded when the endpoint runs over, even if it ignores the signal", async () => {
    let finished = false;
    const slow: Endpoint = async () => {
      await sleep(300);
      finished = true;
      return "late";
    };
    const started = performance.now();
    const err = await invoke(newApp(), filters.chain(timeout(30), slow)).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).code).toBe("deadline_exceeded");
    expect(took).toBeGreaterThanOrEqual(25);
    expect(took).toBeLessThan(250);
    expect(finished).toBe(false);
  });

  it("aborts ctx.signal so a cooperative endpoint can stop its work", async () => {
    let reason: unknown;
    const cooperative: Endpoint = (ctx) =>
      new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          reason = ctx.signal.reason;
          reject(ctx.signal.reason);
        });
      });
    await expect(invoke(newApp(), filters.chain(timeout(20), cooperative))).rejects.toMatchObject({ code: "deadline_exceeded" });
    expect((reason as WegoError).code).toBe("deadline_exceeded");
  });

  it("passes results and errors of a fast endpoint through untouched", async () => {
    expect(
      await invoke(
        newApp(),
        filters.chain(timeout(1000), async () => 42),
      ),
    ).toBe(42);
    await expect(
      invoke(
        newApp(),
        filters.chain(timeout(1000), async () => {
          throw new WegoError("not_found", "gone");
        }),
      ),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("never loosens a tighter deadline the caller already set", async () => {
    let deadline: number | undefined;
    const ep: Endpoint = async (ctx) => {
      deadline = ctx.deadline;
      await sleep(200);
    };
    const callerDeadline = Date.now() + 40;
    const err = await invoke(newApp(), filters.chain(timeout(5000), ep), undefined, { deadline: callerDeadline }).catch((e: unknown) => e);
    expect(deadline).toBe(callerDeadline);
    expect((err as WegoError).code).toBe("deadline_exceeded");
  });

  it("many calls in flight through one filter: each times out on its own deadline", async () => {
    const app = newApp();
    const ep = filters.chain(timeout(40), async (ctx) => {
      const { delay } = ctx.request as { delay: number };
      await sleep(delay);
      return delay;
    });
    // staggered starts, so deadlines differ; fast ones finish, slow ones expire
    const calls: Array<Promise<string>> = [];
    for (let i = 0; i < 20; i++) {
      const delay = i % 2 === 0 ? 5 : 150;
      calls.push(
        invoke(app, ep, { delay }).then(
          (v) => `ok:${v}`,
          (e: WegoError) => e.code,
        ),
      );
      await sleep(2);
    }
    const outcomes = await Promise.all(calls);
    expect(outcomes).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "ok:5" : "deadline_exceeded")));
    // after the list drained, the next call is timed afresh
    await expect(invoke(app, ep, { delay: 150 })).rejects.toMatchObject({ code: "deadline_exceeded" });
    expect(await invoke(app, ep, { delay: 1 })).toBe(1);
  });

  it("rejects a non-positive duration when created", () => {
    expect(() => timeout(0)).toThrow(/positive/);
    expect(() => timeout(Number.NaN)).toThrow(WegoError);
  });
});
