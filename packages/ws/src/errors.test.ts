import { catalogueCodes, documentedReasons } from "@wego/core/testing";
import { describe, expect, it } from "vitest";
import { wsCatalogue, wsError } from "./errors.js";

describe("ws error catalogue", () => {
  it("matches the rows of docs/errors.md marked ws, code included", () => {
    expect(documentedReasons("ws")).toEqual(catalogueCodes(wsCatalogue));
  });

  it("fills the template and carries the reason", () => {
    const e = wsError("WEGO_ERR_WS_ROUTE_UNKNOWN", "chat.x");
    expect(e.rawMessage).toBe('no route "chat.x"');
    expect(e.code).toBe("unimplemented");
    expect(e.reason).toBe("WEGO_ERR_WS_ROUTE_UNKNOWN");
  });
});
