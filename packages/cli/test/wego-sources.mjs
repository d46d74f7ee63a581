// `node --import ./wego-sources.mjs app.ts`: run a TypeScript app on the
// workspace's sources with Node's own type stripping, no build. `@wego/<pkg>`
// resolves to packages/<pkg>/src/index.ts, and the sources' `./x.js` imports
// to the `./x.ts` beside them (tsc/tsup style, which Node doesn't rewrite).
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const packages = fileURLToPath(new URL("../../", import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    // `@wego/x` → x/src/index.ts; a subpath `@wego/x/a` → x/src/a/index.ts, or x/src/a.ts (testing/conformance).
    const pkg = /^@wego\/([a-z-]+)((?:\/[a-z-]+)*)$/.exec(specifier);
    if (pkg) {
      for (const file of [`${packages}${pkg[1]}/src${pkg[2]}/index.ts`, `${packages}${pkg[1]}/src${pkg[2]}.ts`]) {
        if (existsSync(file)) return { url: pathToFileURL(file).href, shortCircuit: true };
      }
    }
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(url)) return { url: url.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
