// The README's first example, run as written (imports of @wego/* point at the
// sources): what it logs must be what its `// →` comments show.
import { join } from "node:path";
import { expect, it } from "vitest";
import { runReadmeBlock } from "../../../test/support/readme.ts";

it("the README's example runs and logs what it says", async () => {
  const logged = await runReadmeBlock(join(import.meta.dirname, "../README.md"));
  expect(logged).toEqual([
    [{ id: 1, code: "ok", message: "ok", data: { greeting: "hello Ada!" }, requestId: "req-1" }],
    ["invalid_argument", "WEGO_ERR_INPUT_INVALID"],
    [{ id: 3, code: "ok", message: "ok", data: { pong: true }, requestId: "req-3" }],
  ]);
});
