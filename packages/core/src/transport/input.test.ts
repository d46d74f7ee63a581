import { describe, expect, it } from "vitest";
import { WegoError } from "../errors/wego-error.js";
import { parseJson } from "./input.js";

const reasonOf = (text: string): string | undefined => {
  try {
    parseJson(text);
    return undefined;
  } catch (err) {
    return (err as WegoError).reason;
  }
};

describe("parseJson", () => {
  it("refuses forbidden keys spelled with \\u escapes (JSON.parse makes them own keys)", () => {
    expect(reasonOf('{"\\u005f_proto__":{"polluted":true}}')).toBe("WEGO_ERR_INPUT_KEY");
    expect(reasonOf('{"a":[{"\\u0063onstructor":{"\\u0070rototype":{"p":1}}}]}')).toBe("WEGO_ERR_INPUT_KEY");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts escapes that spell nothing forbidden", () => {
    expect(parseJson('{"caf\\u00e9":"\\u2603"}')).toEqual({ café: "☃" });
  });

  it("answers text that is not JSON, or too large, with its catalogued reason", () => {
    expect(reasonOf('{"a":')).toBe("WEGO_ERR_INPUT_NOT_JSON");
    expect(() => parseJson("[1]", { maxDepth: 64, maxBytes: 2 })).toThrow(WegoError);
  });
});
