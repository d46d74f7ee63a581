import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { grpcError } from "./grpc-errors.js";

describe("grpc error catalogue", () => {
  it("documents every reason in docs/errors.md (package grpc), and nothing stale", () => {
    expect(documentedReasons("grpc")).toEqual(catalogueCodes(grpcError.table));
  });

  it("fills the message template", () => {
    expect(grpcError("WEGO_ERR_GRPC_ROUTE_UNKNOWN", "three")).toMatchObject({
      code: "unimplemented",
      reason: "WEGO_ERR_GRPC_ROUTE_UNKNOWN",
      rawMessage: 'no gRPC route "three"',
    });
  });
});
