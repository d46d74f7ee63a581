import { wegoProject } from "../../vitest.shared.ts";

// One file at a time: redis-restart.int.test.ts restarts the shared Redis,
// and the crash test spawns worker processes; neither should overlap the rest.
// Type-level tests (`*.test-d.ts`) run through tsc as part of the suite.
export default wegoProject("redis-queue", import.meta.dirname, {
  fileParallelism: false,
  typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.typecheck.json" },
});
