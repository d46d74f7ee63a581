// The seed's example app, in TypeScript: two providers, seven routers, start.
//
//   node dist/main.js                              every server but the command one
//   node dist/main.js --server http,cron           only those
//   node dist/main.js --server command run exam.two
import { fileURLToPath } from "node:url";
import { isCommandMode } from "@wego/cli";
import { createApp } from "@wego/core";
import { serveDocs } from "@wego/openapi";
import { defaultServers, defaults } from "./defaults.js";
import { BootStrap } from "./providers/boot-strap.js";
import { ExamProvider } from "./providers/exam-provider.js";
import { commandRouter } from "./routers/command-router.js";
import { cronRouter } from "./routers/cron-router.js";
import { grpcRouter } from "./routers/grpc-router.js";
import { httpRouter } from "./routers/http-router.js";
import { queueRouter } from "./routers/queue-router.js";
import { timerRouter } from "./routers/timer-router.js";
import { websocketRouter } from "./routers/websocket-router.js";
import { reportStartFailure } from "./start-failure.js";

// In command mode stdout carries only the command's result: logs go to stderr.
const commandMode = isCommandMode();
const app = createApp({ name: "exam", config: { defaults }, logger: { fd: commandMode ? 2 : 1 }, handleSignals: true });
// Beside this file: dist/migrations (compiled by the build) when it runs as dist/main.js.
const fromSources = import.meta.url.endsWith(".ts");
const boot = await BootStrap.detect(app, {
  path: app.config.get("exam.migrations.path", fileURLToPath(new URL("./migrations", import.meta.url))),
  pathTs: app.config.get("exam.migrations.pathTs", fileURLToPath(new URL("../src/migrations", import.meta.url))),
  preferTs: fromSources,
  // Opt-in, and never for a one-shot command: `migrate:down` then `migrate:list` must show what was reverted.
  auto: !commandMode && app.config.get("exam.migrate", false),
}); // is Redis there? MySQL?

const grpc = grpcRouter(app);
const http = httpRouter(app);
const websocket = websocketRouter(app);
const queue = queueRouter(app, boot);
// API docs at /docs (OpenAPI 3.1, AsyncAPI 3, a docs page) and, outside production, the developer console at /console.
serveDocs(http, app, {
  title: "exam",
  version: "0.1.0",
  ws: websocket,
  wsPath: app.config.get("ws.path", "/ws"),
  queue,
  jwtHandlers: ["auth"],
});

app.provider(boot);
app.provider(new ExamProvider(boot));
app.router("grpc", grpc);
app.router("http", http);
app.router("queue", queue);
app.router("command", commandRouter(app));
app.router("websocket", websocket);
app.router("timer", timerRouter(app));
app.router("cron", cronRouter(app, boot));

// `--server a,b` / WEGO_SERVER pick the routers; by default all but the one-shot command.
const asked = app.config.get<string[]>("server", []);
const off = boot.offRouters();
const servers = asked.length > 0 ? asked : defaultServers.filter((s) => !off.includes(s));
try {
  await app.start({ servers });
  const host = (key: string) => app.config.get(`${key}.host`, "127.0.0.1");
  const where: Record<string, string> = {};
  if (http.port !== undefined) where.http = `http://${host("http")}:${http.port}`;
  if (grpc.port !== undefined) where.grpc = `${host("grpc")}:${grpc.port}`;
  if (websocket.port !== undefined) where.websocket = `ws://${host("ws")}:${websocket.port}${app.config.get("ws.path", "/ws")}`;
  if (Object.keys(where).length > 0) app.log.info(where, "exam listening");
} catch (err) {
  // One line on stderr and the exit code of the error's code (2: a bad --server or config value).
  reportStartFailure(app, err);
}
