// Type-level tests (vitest typecheck): a cron route's static `input` is
// checked against the input of the typed handler it runs.
import { defineHandler } from "@wego/core";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type CronRouteOptions, createCronRouter } from "./cron-router.js";

const report = defineHandler({
  name: "report",
  input: z.object({ day: z.string(), full: z.boolean().optional() }),
  handle: ({ day }) => ({ day }),
});

describe("cron route input types", () => {
  it("types `input` as the typed handler's input", () => {
    const cron = createCronRouter().route("0 0 3 * * *", report, { input: { day: "today" } });
    // @ts-expect-error: day must be a string
    cron.route("0 0 4 * * *", report, { name: "b", input: { day: 4 } });
    // @ts-expect-error: day is required
    cron.route("0 0 5 * * *", report, { name: "c", input: { full: true } });
    expectTypeOf<Parameters<typeof cron.route<typeof report>>[2]>().toEqualTypeOf<
      CronRouteOptions<{ day: string; full?: boolean | undefined }> | undefined
    >();
  });

  it("leaves `input` unknown for a handler name", () => {
    createCronRouter().route("0 0 3 * * *", "by.name", { input: [1, "x"] });
    expectTypeOf<Parameters<ReturnType<typeof createCronRouter>["route"]>[2]>().toEqualTypeOf<CronRouteOptions<unknown> | undefined>();
  });
});
