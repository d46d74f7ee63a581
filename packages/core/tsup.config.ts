import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    transport: "src/transport/index.ts",
    testing: "src/testing/index.ts",
    "testing-conformance": "src/testing/conformance.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  // Keep class names: pino logs err.constructor.name as the error type, and esbuild renames colliding classes (_WegoError).
  keepNames: true,
  external: ["vitest", "zod", "valibot"],
});
