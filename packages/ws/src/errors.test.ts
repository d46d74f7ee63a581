import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../test/support/error-docs.ts";
import { wsCodes } from "./code-map.js";
import { wsError } from "./errors.js";

describe("ws error catalogue", () => {
  it("matches the rows of docs/errors.md marked ws, code included", () => {
    expect(documentedReasons("ws")).toEqual(catalogueCodes(wsError.table));
  });

  it("fills the template and carries the reason", () => {
    const e = wsError("WEGO_ERR_WS_ROUTE_UNKNOWN", "chat.x");
    expect(e.rawMessage).toBe('no route "chat.x"');
    expect(e.code).toBe("unimplemented");
    expect(e.reason).toBe("WEGO_ERR_WS_ROUTE_UNKNOWN");
    expect(wsError.with({ details: { a: 1 } })("WEGO_ERR_WS_NOT_READY").details).toEqual({ a: 1 });
  });
});

describe("wsCodes", () => {
  it("gives the HTTP statuses of docs/errors.md, 426 for an upgrade required, and reads them back", () => {
    expect(wsCodes.toWire("unauthenticated")).toBe(401);
    expect(wsCodes.toWire(wsError("WEGO_ERR_WS_ORIGIN_FORBIDDEN", "x"))).toBe(403);
    expect(wsCodes.toWire(wsError("WEGO_ERR_WS_PATH_UNKNOWN", "GET /x"))).toBe(404);
    expect(wsCodes.toWire(wsError("WEGO_ERR_WS_HANDSHAKE_INVALID", "x"))).toBe(400);
    expect(wsCodes.toWire(wsError("WEGO_ERR_WS_UPGRADE_REQUIRED", "/ws"))).toBe(426);
    expect(wsCodes.toWire(wsError("WEGO_ERR_WS_NOT_ACCEPTING"))).toBe(503);
    expect(wsCodes.toWire("unimplemented")).toBe(501);
    expect(wsCodes.fromWire(426)).toBe("failed_precondition");
    expect(wsCodes.fromWire(400)).toBe("invalid_argument");
    expect(wsCodes.fromWire(503)).toBe("unavailable");
    expect(wsCodes.fromWire(418)).toBe("unknown");
  });
});
