import { ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { Code, WegoError } from "@wego/core";
import { describe, expect, it } from "vitest";
import { encodeGrpcMessage, errorDetailOf, fromConnectError, grpcCodes, statusDetailsBin, toConnectError } from "./code-map.js";

describe("code-map", () => {
  it("maps every code to its gRPC status and back", () => {
    for (const code of Object.values(Code)) expect(grpcCodes.fromWire(grpcCodes.toWire(code))).toBe(code);
    expect(grpcCodes.toWire("not_found")).toBe(5);
    expect(grpcCodes.toWire(new WegoError("unavailable", "x"))).toBe(14);
    expect(grpcCodes.fromWire(0)).toBe("unknown");
    expect(grpcCodes.fromWire(99)).toBe("unknown");
  });

  it("writes a google.rpc.Status that connect reads back (reason, details, request id)", () => {
    const err = new WegoError("failed_precondition", "ça coince", { reason: "STOCK", details: { sku: "a-1", left: 0 } });
    const bin = statusDetailsBin(9, err.rawMessage, errorDetailOf(err, "req-9"));
    const back = findTrailerError(new Headers({ "grpc-status": "9", "grpc-status-details-bin": bin }));
    expect(back?.code).toBe(9);
    expect(back?.rawMessage).toBe("ça coince");
    expect(fromConnectError(back)).toMatchObject({ code: "failed_precondition", reason: "STOCK", details: { sku: "a-1", left: 0 } });
  });

  it("hides internal messages unless exposing, and keeps the cause", () => {
    const inner = WegoError.from(new Error("password=hunter2"));
    const hidden = toConnectError(inner, "r", false);
    expect(hidden.rawMessage).toBe("internal error");
    expect(hidden.cause).toBe(inner);
    expect(toConnectError(inner, "r", true).rawMessage).toContain("hunter2");
  });

  it("percent-encodes grpc-message as the gRPC spec says: bytes outside 0x20-0x7E and '%', nothing else", () => {
    expect(encodeGrpcMessage("input is not valid JSON: Expected '\"' at 1/2? #a")).toBe(
      "input is not valid JSON: Expected '\"' at 1/2? #a",
    );
    expect(encodeGrpcMessage("100% ça\nva")).toBe("100%25 %C3%A7a%0Ava");
    expect(decodeURIComponent(encodeGrpcMessage("100% ça\nva: ✓"))).toBe("100% ça\nva: ✓");
  });

  it("turns anything a client throws into a WegoError", () => {
    expect(fromConnectError(new ConnectError("gone", 14))).toMatchObject({ code: "unavailable", rawMessage: "gone" });
    expect(fromConnectError(new Error("socket hang up")).code).toBe("unavailable");
    const own = new WegoError("aborted");
    expect(fromConnectError(own)).toBe(own);
  });
});
