// The list of vitest projects: one per package (each package's own
// vitest.config.ts), the example app, and the cluster suite. Vitest reads
// projects only from the root config, which imports this list.
//
// Tests that restart the shared Redis run in groups of their own
// (sequence.groupOrder: the Redis-restart test, then the cluster suite), never
// alongside another project, so no other suite sees the outage.
import { join } from "node:path";
import { wegoProject } from "./vitest.shared.ts";

const restartTests = ["src/**/*restart*.test.ts"];
const pkg = (name: string) => join(import.meta.dirname, "packages", name);

export default [
  "packages/core",
  "packages/http",
  "packages/grpc",
  "packages/ws",
  "packages/cron",
  "packages/timer",
  "packages/cli",
  "packages/redis",
  "packages/etcd",
  wegoProject("redis-queue", pkg("redis-queue"), {
    fileParallelism: false,
    exclude: restartTests,
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.typecheck.json" },
  }),
  wegoProject("redis-queue:restart", pkg("redis-queue"), { include: restartTests, sequence: { groupOrder: 1 } }),
  "packages/mysql",
  "packages/client",
  "packages/openapi",
  "packages/create-wego",
  "examples/exam",
  "test/pipeline",
  "test/cluster",
];
