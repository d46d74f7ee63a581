// Lets a plain `node` process (Node ≥ 22.18: types stripped natively) run
// wego from its TypeScript sources, as vitest does: `@wego/<pkg>` resolves to
// packages/<pkg>/src/index.ts, and a `./x.js` import to `./x.ts` when only
// that exists. Used by the tests that spawn a worker process.
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const packages = fileURLToPath(new URL("../../../", import.meta.url));

registerHooks({
  resolve(specifier, context, next) {
    const wego = /^@wego\/([a-z-]+)(\/testing)?$/.exec(specifier);
    if (wego) {
      const file = `${packages}${wego[1]}/src/${wego[2] ? "testing/index.ts" : "index.ts"}`;
      return { url: pathToFileURL(file).href, shortCircuit: true, format: "module-typescript" };
    }
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(ts)) {
        return { url: ts.href, shortCircuit: true, format: "module-typescript" };
      }
    }
    return next(specifier, context);
  },
});
