import { wegoProject } from "../../vitest.shared.ts";

// The example's end-to-end tests: they build it (test/global-setup.ts), run
// dist/main.js as a child process and talk to it over every transport.
export default wegoProject("example-exam", import.meta.dirname, {
  globalSetup: ["test/global-setup.ts"],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
