// Type-level tests (vitest typecheck): a timer's static `input` is checked
// against the input of the typed handler it runs.
import { defineHandler } from "@wego/core";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createTimerRouter, type TimerRouteOptions } from "./timer-router.js";

const sync = defineHandler({
  name: "sync",
  input: z.object({ full: z.boolean(), batch: z.number().int().default(100) }),
  handle: ({ full, batch }) => ({ full, batch }),
});

describe("timer route input types", () => {
  it("types `input` as the typed handler's input", () => {
    const router = createTimerRouter();
    router.route("sync", "1m", sync, { input: { full: true } });
    router.route("sync2", "1m", sync, { input: { full: false, batch: 5 } });
    // @ts-expect-error: full must be a boolean
    router.route("bad", "1m", sync, { input: { full: "yes" } });
    // @ts-expect-error: full is required
    router.route("bad2", "1m", sync, { input: { batch: 5 } });
    expectTypeOf<Parameters<typeof router.route<typeof sync>>[3]>().toEqualTypeOf<
      TimerRouteOptions<{ full: boolean; batch?: number | undefined }> | undefined
    >();
  });

  it("leaves `input` unknown for a handler name or an untyped endpoint", () => {
    const router = createTimerRouter();
    router.route("a", "1s", "by.name", { input: { anything: [1, "x"] } });
    expectTypeOf<Parameters<typeof router.route<"by.name">>[3]>().toEqualTypeOf<TimerRouteOptions<unknown> | undefined>();
  });
});
