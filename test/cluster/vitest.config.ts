// The cluster suite: three processes of ./app.ts against the shared Redis and
// MariaDB. Files run one at a time (each starts its own three instances), and
// the project runs after every other one (groupOrder 2): one scenario restarts
// Redis, and the others load the 2-core machine.
import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("cluster", import.meta.dirname, {
  include: ["*.test.ts"],
  fileParallelism: false,
  sequence: { groupOrder: 2 },
  testTimeout: 120_000,
  hookTimeout: 90_000,
});
