import { describe, expect, it } from "vitest";
import { isValidRequestId } from "./request-id.js";

describe("isValidRequestId", () => {
  it("accepts ids of the safe alphabet up to 128 characters", () => {
    for (const id of ["a", "V1StGXR8_Z5jdHi6B-myT", "trace:abc/def+g=h@i.j", "x".repeat(128), "0123456789"])
      expect([id, isValidRequestId(id)]).toEqual([id, true]);
  });

  it("refuses what could inject into a header, a log line or JSON", () => {
    for (const id of ["", "x".repeat(129), "a b", 'a"b', "a\\b", "a\nb", "a,b", "é", "a\u0000", "<x>", "a;b"])
      expect([id, isValidRequestId(id)]).toEqual([id, false]);
    expect(isValidRequestId(["a"])).toBe(false);
    expect(isValidRequestId(undefined)).toBe(false);
  });
});
