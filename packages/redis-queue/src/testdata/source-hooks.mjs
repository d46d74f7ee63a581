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
    // Subpaths too (`@wego/core/transport`…): one resolved to dist beside a root from sources would be a second copy of core.
    const wego = /^@wego\/([a-z-]+)(?:\/(testing|transport|testing\/conformance))?$/.exec(specifier);
    if (wego) {
      const sub = { testing: "testing/index.ts", transport: "transport/index.ts", "testing/conformance": "testing/conformance.ts" };
      const file = `${packages}${wego[1]}/src/${wego[2] ? sub[wego[2]] : "index.ts"}`;
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
