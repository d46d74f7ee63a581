import { describe, expect, it } from "vitest";
import { metaFromHeaders, metaFromNode, parseGrpcTimeout } from "./meta.js";

describe("meta", () => {
  it("parses grpc-timeout in every unit, and ignores malformed values", () => {
    expect(parseGrpcTimeout("1H")).toBe(3_600_000);
    expect(parseGrpcTimeout("2M")).toBe(120_000);
    expect(parseGrpcTimeout("3S")).toBe(3000);
    expect(parseGrpcTimeout("250m")).toBe(250);
    expect(parseGrpcTimeout("5000u")).toBe(5);
    expect(parseGrpcTimeout("2000000n")).toBe(2);
    for (const bad of [undefined, "", "m", "10", "10x", "-1S", " 1S", "123456789S", "1.5S"]) expect(parseGrpcTimeout(bad)).toBeUndefined();
  });

  it("keeps metadata and drops pseudo-headers", () => {
    expect(metaFromNode({ ":path": "/a/B", ":method": "POST", "x-a": "1", "x-list": ["a", "b"] })).toEqual({
      "x-a": "1",
      "x-list": ["a", "b"],
    });
    expect(metaFromHeaders(new Headers({ "X-A": "1", "x-b": "2" }))).toEqual({ "x-a": "1", "x-b": "2" });
  });
});
