// Job data as Redis holds it, written by something other than a wego
// producer (issue 16 item 6: data that is not JSON stayed active until stall
// detection returned it, about a minute later).
import { createApp } from "@wego/core";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { createQueueRouter } from "./queue-router.js";
import { deletePrefix, eventually, pushRaw, testRedisUrl, uniquePrefix } from "./test-support.js";

const prefix = uniquePrefix("data");
const app = createApp({ name: "job-data", logger: false, config: { env: {}, argv: [] } });
const producer = createQueueProducer({ connection: testRedisUrl, queue: "data", prefix });
const seen: unknown[] = [];

afterAll(async () => {
  await app.stop({ timeout: 2000 });
  await producer.close();
  await deletePrefix(prefix);
});

describe("stored job data", () => {
  it("fails a job whose data is not JSON at once, to the dead letters with invalid_argument", async () => {
    app.handler("work", async (ctx) => {
      seen.push(ctx.request);
      return "ran";
    });
    app.router("queue", createQueueRouter({ connection: testRedisUrl, queue: "data", prefix }).route("work", "work"));
    await app.start();
    const pushed = Date.now();
    const id = await pushRaw(producer.queue, "work", "{not json", { attempts: 3 });
    expect(await eventually(async () => (await producer.deadLetters.count()) === 1, 1000)).toBe(true);
    expect(Date.now() - pushed).toBeLessThan(1000);
    const [letter] = await producer.deadLetters.list();
    expect(letter).toMatchObject({
      id,
      route: "work",
      data: "{not json",
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_NOT_JSON",
      attempts: 1,
    });
    expect(seen).toEqual([]);
    // The worker keeps serving.
    expect(await producer.pushAndWait("work", { after: 1 })).toBe("ran");
  });
});
