import { catalogueCodes, documentedReasons } from "@wego/core/testing";
import { expect, it } from "vitest";
import { timerError } from "./timer-errors.js";

it("documents every timer error in docs/errors.md with its code, and nothing else", () => {
  expect(documentedReasons("timer")).toEqual(catalogueCodes(timerError.table));
});
