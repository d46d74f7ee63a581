// The README's example, run as written (imports of @wego/* point at the
// sources): what it logs must be what its `// →` comments show.
import { join } from "node:path";
import { expect, it } from "vitest";
import { runReadmeBlock } from "../../../test/support/readme.ts";

it("the README's example runs and logs what it says", async () => {
  const logged = await runReadmeBlock(join(import.meta.dirname, "../README.md"));
  expect(logged).toEqual([
    ["3.1.0", ["/greet", "/users/{id}"]],
    [["200", "400", "429", "500", "503", "504"]],
    ["text/html; charset=utf-8", 200],
  ]);
});
