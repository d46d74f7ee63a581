import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("lets the burst through at once, then exactly the rate: actual rate equals the configured one", () => {
    let now = 0;
    const b = new TokenBucket(10, 5, () => now);
    let allowed = 0;
    // 10 s of a caller trying every ms.
    for (now = 0; now < 10_000; now++) if (b.take() === 0) allowed++;
    // burst + rate × seconds, to the token.
    expect(allowed).toBe(5 + 100 - 1);
  });

  it("says how long until the next token", () => {
    let now = 0;
    const b = new TokenBucket(4, 1, () => now);
    expect(b.take()).toBe(0);
    expect(b.take()).toBe(250);
    now = 250;
    expect(b.take()).toBe(0);
  });

  it("rate 0 never refills: the burst, then never (no division by zero, no panic)", () => {
    let now = 0;
    const b = new TokenBucket(0, 2, () => now);
    expect([b.take(), b.take()]).toEqual([0, 0]);
    now = 1e9;
    expect(b.take()).toBe(Number.POSITIVE_INFINITY);
    expect(new TokenBucket(0, 0).take()).toBe(Number.POSITIVE_INFINITY);
  });
});
