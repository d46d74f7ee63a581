// GOVERNANCE.md's example, run as written: what it logs must be what its `// →` comments show.
import { join } from "node:path";
import { expect, it } from "vitest";
import { runReadmeBlock } from "../../../../test/support/readme.ts";

it("GOVERNANCE.md's example: the burst then refusals, an invalid change refused, a live change applied", async () => {
  const refused = ["resource_exhausted", "resource_exhausted", "resource_exhausted"];
  expect(await runReadmeBlock(join(import.meta.dirname, "../../GOVERNANCE.md"), { dir: import.meta.dirname })).toEqual([
    [["ok", "ok", "resource_exhausted"]],
    [refused],
    [["ok", "ok", "ok"]],
  ]);
});
