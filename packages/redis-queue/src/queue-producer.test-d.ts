// Type-level tests (vitest typecheck): a producer typed by its router's
// routes checks route names and job data against the typed handlers they
// point at, and types pushAndWait's result as the handler's output.
import { defineHandler } from "@wego/core";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { PushOptions, QueueProducer } from "./queue-producer.js";
import { createQueueRouter, type RoutesOf } from "./queue-router.js";

const welcome = defineHandler({
  name: "mail.welcome",
  input: z.object({ userId: z.number().int(), locale: z.string().default("en") }),
  output: z.object({ sent: z.boolean() }),
  handle: ({ userId }) => ({ sent: userId > 0 }),
});

const router = createQueueRouter({ queue: "mail" }).route("mail.welcome", welcome).route("mail.digest", "mail.digest");
type Mail = QueueProducer<RoutesOf<typeof router>>;
declare const producer: Mail;

describe("typed queue producer", () => {
  it("checks a typed route's data against its handler's input", () => {
    void producer.push("mail.welcome", { userId: 7 });
    void producer.push("mail.welcome", { userId: 7, locale: "fr" }, { delay: 1000 });
    // @ts-expect-error: userId must be a number
    void producer.push("mail.welcome", { userId: "7" });
    // @ts-expect-error: userId is required
    void producer.push("mail.welcome", {});
    // @ts-expect-error: the data is required
    void producer.push("mail.welcome");
    // @ts-expect-error: no such route on the router
    void producer.push("mail.nope", {});
    expectTypeOf<Parameters<typeof producer.push<"mail.welcome">>>().toEqualTypeOf<
      [route: "mail.welcome", data: { userId: number; locale?: string | undefined }, options?: PushOptions | undefined]
    >();
  });

  it("leaves a route to a handler name untyped", () => {
    void producer.push("mail.digest");
    void producer.push("mail.digest", { anything: [1, "x"] });
    expectTypeOf(producer.pushAndWait("mail.digest")).resolves.toBeUnknown();
  });

  it("types pushAndWait's result as the handler's output", () => {
    expectTypeOf(producer.pushAndWait("mail.welcome", { userId: 1 })).resolves.toEqualTypeOf<{ sent: boolean }>();
  });

  it("types bulk jobs by route", () => {
    void producer.pushBulk([{ route: "mail.welcome", data: { userId: 1 } }, { route: "mail.digest" }]);
    // @ts-expect-error: a welcome job needs its data
    void producer.pushBulk([{ route: "mail.welcome" }]);
  });

  it("accepts any route and data when untyped", () => {
    const untyped = {} as QueueProducer;
    void untyped.push("whatever");
    void untyped.push("whatever", { x: 1 }, { attempts: 2 });
    expectTypeOf(untyped.pushAndWait("whatever")).resolves.toBeUnknown();
  });
});
