// The TypeScript examples of the root README and of this package's README,
// run as written (imports of @wego/* point at the sources): what each logs
// must be what its `// →` comments show.
import { join } from "node:path";
import { expect, it } from "vitest";
import { runReadmeBlock } from "../../../test/support/readme.ts";

const here = import.meta.dirname;
const readme = join(here, "../README.md");

it("the root README's example logs what it says", async () => {
  const logged = await runReadmeBlock(join(here, "../../../README.md"), { dir: here });
  expect(logged).toEqual([[{ greeting: "hello wego" }], [{ one: "from one", two: { echo: { hello: "world" } } }]]);
});

it("the Chinese root README's example logs the same", async () => {
  const logged = await runReadmeBlock(join(here, "../../../README.zh-CN.md"), { dir: here, marker: "defineHandler" });
  expect(logged).toEqual([[{ greeting: "hello wego" }], [{ one: "from one", two: { echo: { hello: "world" } } }]]);
});

it("the core README's typed handler example logs what it says", async () => {
  expect(await runReadmeBlock(readme)).toEqual([[{ message: "hello wego" }], ["invalid_argument"]]);
});

it("the core README's seed-style example logs what it says", async () => {
  expect(await runReadmeBlock(readme, { marker: "services.chain(auth, hello)" })).toEqual([[{ hello: "wego" }]]);
});

it("the core README's transport example logs what it says", async () => {
  expect(await runReadmeBlock(readme, { marker: "createLineRouter" })).toEqual([
    ['{"code":"ok","message":"ok","data":{"n":42},"requestId":"line-1"}'],
    ["invalid_argument"],
  ]);
});
