import { defineConfig } from "tsup";

// One file to run: `node dist/main.js`. The @wego/* packages and the drivers
// stay external (they are dependencies); the example's own modules, its
// migrations included, are bundled.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node22",
});
