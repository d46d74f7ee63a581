// The hooks that let worker processes (here and in test/cluster) run wego
// from sources must resolve every @wego/core entry point to the sources: a
// subpath resolved to the built dist beside a root from the sources is a
// second, possibly stale, copy of core in the process (the queue router's
// dispatch ran from dist while its handlers ran from the sources).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const hooks = fileURLToPath(new URL("./source-hooks.mjs", import.meta.url));
const script = `
import { createApp, WegoError } from "@wego/core";
import { createDispatcher } from "@wego/core/transport";
const app = createApp({ logger: false, config: { env: {}, argv: [] } });
const d = createDispatcher(app, { transport: "check" });
const endpoint = async () => { throw new WegoError("not_found", "nothing"); };
d.dispatch({ route: "r", handler: "h", endpoint }, {}, (_ctx, error) => console.log(error?.code, import.meta.resolve("@wego/core/transport")));
`;

it("runs @wego/core and @wego/core/transport from the same sources", async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", hooks, "--input-type=module", "-e", script],
      { cwd: import.meta.dirname, timeout: 15_000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
    ),
  );
  expect(out.trim()).toMatch(/^not_found file:\/\/.*\/packages\/core\/src\/transport\/index\.ts$/);
});
