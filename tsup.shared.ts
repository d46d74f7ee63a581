// The build every package shares (each package's tsup.config.ts calls it):
// ESM with declarations and source maps, for Node 22. No keepNames: it wraps
// every function in a naming call, and made each invocation ~1.8x slower.
import { defineConfig, type Options } from "tsup";

/** A package's tsup config: `src/index.ts` by default, `options` on top. */
export function packageBuild(options: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node22",
    ...options,
  });
}
