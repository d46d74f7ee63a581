// A small app with a command router, run as a real process by
// cli-process.test.ts: `node --import ./wego-sources.mjs fixture-app.ts --server command run exam.one --name ann`.
import { createCliRouter, isCommandMode } from "@wego/cli";
import { type Context, createApp, WegoError } from "@wego/core";

// In command mode stdout carries only the result: logs go to stderr (fd 2).
const app = createApp({ name: "fixture", logger: { fd: isCommandMode() ? 2 : 1, pretty: false }, handleSignals: true });

app.handler("exam.one", async (ctx: Context) => {
  const input = ctx.request as { name?: string };
  ctx.log.info({ input }, "exam.one ran");
  return { hello: input.name ?? "world", input };
});

app.handler("exam.age", async (ctx: Context) => {
  const { age } = ctx.request as { age?: unknown };
  if (typeof age !== "number") {
    throw new WegoError("invalid_argument", "age must be a number", { details: [{ field: "age", message: "expected a number" }] });
  }
  return { nextYear: age + 1 };
});

app.handler("exam.crash", async () => {
  throw new Error("db password is hunter2");
});

app.router(
  "command",
  createCliRouter().route("exam.one", app.handler("exam.one")).route("exam.age", "exam.age").route("exam.crash", "exam.crash"),
);

try {
  await app.start();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
