import { wegoProject } from "../../vitest.shared.ts";

// Type-level tests (`*.test-d.ts`) run through tsc as part of the suite.
export default wegoProject("client", import.meta.dirname, {
  typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.typecheck.json" },
});
