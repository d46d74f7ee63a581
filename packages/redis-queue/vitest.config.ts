import { wegoProject } from "../../vitest.shared.ts";

// One file at a time: redis-restart.int.test.ts restarts the shared Redis,
// and the crash test spawns worker processes; neither should overlap the rest.
export default wegoProject("redis-queue", import.meta.dirname, { fileParallelism: false });
