import { defineConfig } from "tsup";

// One file to run: `node dist/main.js`. The @wego/* packages and the drivers
// stay external (they are dependencies); the example's own modules are
// bundled. Each migration is compiled to a file of its own,
// dist/migrations/<name>.js, where the app discovers them (MikroORM's
// layout: `path` dist/migrations, `pathTs` src/migrations).
export default defineConfig({
  entry: ["src/main.ts", "src/migrations/*.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node22",
});
