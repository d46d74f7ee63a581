import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { sleep } from "./client-support.js";

describe("the client's retry wait", () => {
  it("leaves no abort listener on the caller's signal once it has waited", async () => {
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) await sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
  });

  it("ends cancelled when the signal aborts", async () => {
    const ac = new AbortController();
    const waiting = sleep(10_000, ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: "cancelled" });
  });
});
