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
  external: ["vitest", "zod", "valibot"],
});
