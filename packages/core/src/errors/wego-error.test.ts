import { describe, expect, it } from "vitest";
import { defaultEnvelope, legacyEnvelope } from "../envelope.js";
import { Code, codeFromGrpcStatus, grpcStatusOf, isCode } from "./code.js";
import { WegoError } from "./wego-error.js";

describe("WegoError", () => {
  it("carries code, reason, details and a code-prefixed message", () => {
    const e = new WegoError("not_found", "user 7 not found", { reason: "USER_MISSING", details: { id: 7 } });
    expect(e.message).toBe("[not_found] user 7 not found");
    expect(e.rawMessage).toBe("user 7 not found");
    expect(e.reason).toBe("USER_MISSING");
    expect(e.details).toEqual({ id: 7 });
    expect(e.exposable).toBe(true);
    expect(new WegoError("internal").exposable).toBe(false);
  });

  it("from() normalises anything thrown", () => {
    const plain = new Error("db down");
    const fromPlain = WegoError.from(plain);
    expect(fromPlain.code).toBe("internal");
    expect(fromPlain.cause).toBe(plain);
    expect(WegoError.from("text").code).toBe("internal");
    expect(WegoError.from(undefined).rawMessage).toBe("undefined");
    expect(WegoError.from(42, "unavailable").code).toBe("unavailable");
    const abort = new DOMException("aborted", "AbortError");
    expect(WegoError.from(abort).code).toBe("cancelled");
    expect(WegoError.from(new DOMException("t", "TimeoutError")).code).toBe("deadline_exceeded");
    expect(WegoError.from({ code: "not_found", message: "remote" }).code).toBe("not_found");
    const own = new WegoError("aborted");
    expect(WegoError.from(own)).toBe(own);
  });

  it("instanceof works for errors branded by another copy of the class", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("wego.error")]: true });
    expect(foreign instanceof WegoError).toBe(true);
    expect(new Error("y") instanceof WegoError).toBe(false);
  });

  it("has exactly the 16 gRPC codes, numbered as gRPC numbers them", () => {
    expect(Object.values(Code)).toHaveLength(16);
    for (const c of Object.values(Code)) expect(codeFromGrpcStatus(grpcStatusOf[c])).toBe(c);
    expect(grpcStatusOf.unauthenticated).toBe(16);
    expect(isCode("ok")).toBe(false);
  });
});

describe("envelopes", () => {
  const info = { id: "req-1" };
  it("default: code/message/data/requestId, reason and details on failure", () => {
    expect(defaultEnvelope.ok({ a: 1 }, info)).toEqual({ code: "ok", message: "ok", data: { a: 1 }, requestId: "req-1" });
    expect(defaultEnvelope.ok(undefined, info)).toMatchObject({ data: null });
    const err = new WegoError("invalid_argument", "name required", { reason: "BAD_NAME", details: [{ field: "name" }] });
    expect(defaultEnvelope.error(err, info, false)).toEqual({
      code: "invalid_argument",
      message: "name required",
      data: null,
      requestId: "req-1",
      reason: "BAD_NAME",
      details: [{ field: "name" }],
    });
  });

  it("hides internal messages unless exposing", () => {
    const err = WegoError.from(new Error("password=hunter2"));
    expect(JSON.stringify(defaultEnvelope.error(err, info, false))).not.toContain("hunter2");
    expect(JSON.stringify(defaultEnvelope.error(err, info, true))).toContain("hunter2");
  });

  it("legacy: the original Go wego's ret/code/data/message", () => {
    expect(legacyEnvelope.ok({ user: 1 }, info)).toEqual({ ret: 200, code: "0000", data: { user: 1 }, message: "请求成功" });
    expect(legacyEnvelope.error(new WegoError("unauthenticated", "token expired", { reason: "9022" }), info, false)).toEqual({
      ret: 200,
      code: "9022",
      data: {},
      message: "token expired",
    });
    expect(legacyEnvelope.error(new WegoError("not_found", "x"), info, false)).toMatchObject({ code: "9000" });
    expect(legacyEnvelope.error(new WegoError("internal", "secret"), info, false)).toMatchObject({
      code: "9999",
      message: "internal error",
    });
  });
});
