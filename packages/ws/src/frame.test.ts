import { describe, expect, it } from "vitest";
import { encodeId, encodeMessage, encodeReply, InvalidFrame, parseFrame } from "./frame.js";

describe("parseFrame", () => {
  it("returns the parsed object for a valid frame, leaving requestId to dispatch's rule", () => {
    expect(parseFrame('{"id":"a","route":"x","data":{"n":1},"extra":true}')).toEqual({ id: "a", route: "x", data: { n: 1 }, extra: true });
    expect(parseFrame('{"id":3,"route":"x"}')).toEqual({ id: 3, route: "x" });
    expect(parseFrame('{"id":9,"route":"x","requestId":5,"timeoutMs":250}')).toEqual({ id: 9, route: "x", requestId: 5, timeoutMs: 250 });
  });

  it.each([
    ["null", undefined, "WEGO_ERR_WS_FRAME_INVALID", "not a JSON object"],
    ['"str"', undefined, "WEGO_ERR_WS_FRAME_INVALID", "not a JSON object"],
    ["[]", undefined, "WEGO_ERR_WS_FRAME_INVALID", "not a JSON object"],
    ['{"id":{},"route":"x"}', undefined, "WEGO_ERR_WS_FRAME_INVALID", '"id" must be'],
    ['{"id":true,"route":"x"}', undefined, "WEGO_ERR_WS_FRAME_INVALID", '"id" must be'],
    [`{"id":"${"i".repeat(129)}","route":"x"}`, undefined, "WEGO_ERR_WS_FRAME_INVALID", '"id" is longer'],
    ['{"id":"k"}', "k", "WEGO_ERR_WS_FRAME_INVALID", '"route" must be'],
    ['{"id":"k","route":""}', "k", "WEGO_ERR_WS_FRAME_INVALID", '"route" must be'],
    ['{"id":"k","route":7}', "k", "WEGO_ERR_WS_FRAME_INVALID", '"route" must be'],
    [`{"id":"k","route":"${"r".repeat(257)}"}`, "k", "WEGO_ERR_WS_FRAME_INVALID", '"route" is longer'],
    ['{"id":0,"route":"x","timeoutMs":0}', 0, "WEGO_ERR_WS_FRAME_INVALID", '"timeoutMs" must be'],
    ['{"id":0,"route":"x","timeoutMs":"5"}', 0, "WEGO_ERR_WS_FRAME_INVALID", '"timeoutMs" must be'],
    ['{"id":0,"route":"x","timeoutMs":3000000000}', 0, "WEGO_ERR_WS_FRAME_INVALID", '"timeoutMs" must be'],
    ["not json", undefined, "WEGO_ERR_INPUT_NOT_JSON", "not valid JSON"],
    // parseJson's hygiene, with the correlation id still read so the client can match the refusal.
    ['{"id":"p","route":"x","data":{"__proto__":{"polluted":true}}}', "p", "WEGO_ERR_INPUT_KEY", "__proto__"],
    ['{"id":"p","route":"x","data":{"constructor":{"prototype":{}}}}', "p", "WEGO_ERR_INPUT_KEY", "constructor"],
    [`{"id":4,"route":"x","data":${"[".repeat(5000)}${"]".repeat(5000)}}`, 4, "WEGO_ERR_INPUT_TOO_DEEP", "64"],
  ])("rejects %s", (text, id, reason, message) => {
    const r = parseFrame(text);
    expect(r).toBeInstanceOf(InvalidFrame);
    const invalid = r as InvalidFrame;
    expect(invalid.id).toBe(id);
    expect(invalid.error.code).toBe("invalid_argument");
    expect(invalid.error.reason).toBe(reason);
    expect(invalid.error.rawMessage).toContain(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a frame larger than input.maxBytes", () => {
    const r = parseFrame(`{"id":1,"route":"x","data":"${"y".repeat(200)}"}`, { maxDepth: 64, maxBytes: 100 });
    expect((r as InvalidFrame).error.reason).toBe("WEGO_ERR_INPUT_TOO_LARGE");
  });
});

describe("encoding", () => {
  it("puts the id first in the envelope's JSON", () => {
    expect(encodeReply(encodeId('a"b'), '{"code":"ok","data":1}')).toBe('{"id":"a\\"b","code":"ok","data":1}');
    expect(encodeReply(encodeId(42), "{}")).toBe('{"id":42}');
    expect(encodeReply(encodeId(undefined), '{"code":"ok"}')).toBe('{"id":null,"code":"ok"}');
    expect(JSON.parse(encodeReply(encodeId(1), "[1,2]"))).toEqual({ id: 1, body: [1, 2] });
    expect(JSON.parse(encodeReply(encodeId(1), undefined as unknown as string))).toEqual({ id: 1, body: null });
  });

  it("sends strings as they are and anything else as JSON", () => {
    expect(encodeMessage("raw text")).toBe("raw text");
    expect(encodeMessage({ a: [1] })).toBe('{"a":[1]}');
    expect(() => encodeMessage(undefined)).toThrow(/JSON-serialisable/);
    expect(() => encodeMessage(Symbol("s"))).toThrow(/JSON-serialisable/);
  });
});
