import { describe, expect, it } from "vitest";
import { catalogueCodes, documentedReasons } from "../../../../test/support/error-docs.ts";
import { catalogue, frameworkError } from "./catalogue.js";

describe("error catalogue", () => {
  it("every catalogued reason is documented in docs/errors.md, and nothing stale is", () => {
    expect(documentedReasons("core")).toEqual(catalogueCodes(catalogue));
  });

  it("fills the message template", () => {
    const e = frameworkError("WEGO_ERR_HANDLER_UNKNOWN", "one", "two, three");
    expect(e.rawMessage).toBe('handler "one" is not registered (known: two, three)');
    expect(e.code).toBe("failed_precondition");
    expect(e.reason).toBe("WEGO_ERR_HANDLER_UNKNOWN");
  });
});
