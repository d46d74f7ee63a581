import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { isValidRequestId } from "../transport/request-id.js";
import { newRequestId } from "./request-id.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("newRequestId", () => {
  it("gives 21 URL-safe characters that pass the request-id rule, unique over 100,000", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const id = newRequestId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(100_000);
    expect(isValidRequestId(newRequestId())).toBe(true);
  });

  it("keeps no buffer or pool alive through the ids it returned", () => {
    // One id kept out of every 2,000 generated: with ids sliced out of a pool
    // string (nanoid 6's substring of up to 32 KB), each kept id holds its own
    // pool and 100 of them hold ~3 MB; flat strings hold ~100 × 40 bytes.
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const id = newRequestId();
      if (i % 2000 === 0) kept.push(id);
    }
    gc();
    const held = process.memoryUsage().heapUsed - before;
    expect(kept).toHaveLength(100);
    expect(held).toBeLessThan(512 * 1024);
  });
});
