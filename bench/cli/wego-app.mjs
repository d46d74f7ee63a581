// The same one-shot command as a wego app with the CLI router, from the built
// packages (run `pnpm -F @wego/core -F @wego/cli build` first).

import { createCliRouter, isCommandMode } from "../../packages/cli/dist/index.js";
import { createApp } from "../../packages/core/dist/index.js";

const app = createApp({ name: "bench", logger: { fd: isCommandMode() ? 2 : 1, level: "warn" } });
app.handler("exam.one", async (ctx) => ({ route: ctx.route, input: ctx.request }));
app.router("command", createCliRouter().route("exam.one", "exam.one"));
await app.start();
