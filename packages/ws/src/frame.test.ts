import { describe, expect, it } from "vitest";
import { encodeId, encodeMessage, encodeOk, encodeReply, InvalidFrame, parseFrame } from "./frame.js";

describe("parseFrame", () => {
  it("returns the parsed object for a valid frame", () => {
    expect(parseFrame('{"id":"a","route":"x","data":{"n":1},"extra":true}')).toEqual({ id: "a", route: "x", data: { n: 1 }, extra: true });
    expect(parseFrame('{"id":3,"route":"x"}')).toEqual({ id: 3, route: "x" });
  });

  it.each([
    ["not json", undefined, "not JSON"],
    ["null", undefined, "not a JSON object"],
    ['"str"', undefined, "not a JSON object"],
    ["[]", undefined, "not a JSON object"],
    ['{"id":{},"route":"x"}', undefined, '"id" must be'],
    ['{"id":true,"route":"x"}', undefined, '"id" must be'],
    [`{"id":"${"i".repeat(129)}","route":"x"}`, undefined, '"id" is longer'],
    ['{"id":"k"}', "k", '"route" must be'],
    ['{"id":"k","route":""}', "k", '"route" must be'],
    ['{"id":"k","route":7}', "k", '"route" must be'],
    [`{"id":"k","route":"${"r".repeat(257)}"}`, "k", '"route" is longer'],
    ['{"id":9,"route":"x","requestId":5}', 9, '"requestId" must be'],
  ])("rejects %s", (text, id, message) => {
    const r = parseFrame(text);
    expect(r).toBeInstanceOf(InvalidFrame);
    const invalid = r as InvalidFrame;
    expect(invalid.id).toBe(id);
    expect(invalid.error.code).toBe("invalid_argument");
    expect(invalid.error.reason).toBe("WEGO_ERR_WS_FRAME_INVALID");
    expect(invalid.error.rawMessage).toContain(message);
  });
});

describe("encoding", () => {
  it("puts the id first in the envelope's JSON", () => {
    expect(encodeReply(encodeId('a"b'), { code: "ok", data: 1 })).toBe('{"id":"a\\"b","code":"ok","data":1}');
    expect(encodeReply(encodeId(42), {})).toBe('{"id":42}');
    expect(encodeReply(encodeId(undefined), { code: "ok" })).toBe('{"id":null,"code":"ok"}');
    expect(JSON.parse(encodeReply(encodeId(1), [1, 2]))).toEqual({ id: 1, body: [1, 2] });
  });

  it("sends strings as they are and anything else as JSON", () => {
    expect(encodeMessage("raw text")).toBe("raw text");
    expect(encodeMessage({ a: [1] })).toBe('{"a":[1]}');
    expect(() => encodeMessage(undefined)).toThrow(/JSON-serialisable/);
    expect(() => encodeMessage(Symbol("s"))).toThrow(/JSON-serialisable/);
  });
});

describe("encodeOk", () => {
  it("writes exactly what the default envelope would, id first", async () => {
    const { defaultEnvelope, legacyEnvelope } = await import("@wego/core");
    const info = { id: 'req"1' };
    for (const result of [{ a: [1, "x"], b: null }, "s", 0, null, undefined, [], { toJSON: () => "j" }]) {
      expect(encodeOk(defaultEnvelope, encodeId("c"), result, info)).toBe(encodeReply(encodeId("c"), defaultEnvelope.ok(result, info)));
    }
    expect(JSON.parse(encodeOk(legacyEnvelope, encodeId(5), { u: 1 }, info))).toEqual({
      id: 5,
      ret: 200,
      code: "0000",
      data: { u: 1 },
      message: "请求成功",
    });
  });
});
