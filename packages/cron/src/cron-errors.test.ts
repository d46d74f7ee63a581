import { catalogueCodes, documentedReasons } from "@wego/core/testing";
import { expect, it } from "vitest";
import { cronError } from "./cron-errors.js";

it("documents every cron error in docs/errors.md with its code, and nothing else", () => {
  expect(documentedReasons("cron")).toEqual(catalogueCodes(cronError.table));
});
