/** The transports a scaffolded app can serve its handler on. */
export const transports = ["http", "grpc", "ws", "cron", "timer", "cli", "queue", "mysql"] as const;
export type Transport = (typeof transports)[number];

/** What the app is made of. */
export interface Plan {
  /** The npm package name (the folder's name). */
  name: string;
  transports: readonly Transport[];
  /** Version range of the @wego packages (this scaffolder's own, `^x.y.z`). */
  wegoRange: string;
}

const packageOf: Record<Transport, string> = {
  http: "@wego/http",
  grpc: "@wego/grpc",
  ws: "@wego/ws",
  cron: "@wego/cron",
  timer: "@wego/timer",
  cli: "@wego/cli",
  queue: "@wego/redis-queue",
  mysql: "@wego/mysql",
};

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

function packageJson(plan: Plan): string {
  const deps: Record<string, string> = { "@wego/core": plan.wegoRange, zod: "^4.0.0" };
  for (const t of plan.transports) deps[packageOf[t]] = plan.wegoRange;
  // The app imports MikroORM itself (its entities), so it declares it: @wego/mysql has it as a peer.
  if (plan.transports.includes("mysql"))
    Object.assign(deps, { "@mikro-orm/core": "^7.2.1", "@mikro-orm/mysql": "^7.2.1", "@mikro-orm/migrations": "^7.2.1" });
  // Node runs the TypeScript sources itself (type stripping, Node >= 22.18): no build step.
  const node = "node --disable-warning=ExperimentalWarning";
  const pkg = {
    name: plan.name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=22.19" },
    scripts: {
      start: `${node} src/main.ts`,
      dev: `${node} --watch src/main.ts`,
      test: `${node} --test "test/**/*.test.ts"`,
      typecheck: "tsc",
    },
    dependencies: sorted(deps),
    devDependencies: { "@types/node": "^24.0.0", typescript: "^6.0.0" },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const greet = `import { defineHandler } from "@wego/core";
import { z } from "zod";

/** Says hello: this app's one handler, served on every transport it has. */
export const greet = defineHandler({
  name: "greet",
  description: "Says hello.",
  input: z.object({ name: z.string().min(1).default("world") }),
  output: z.object({ message: z.string() }),
  handle: ({ name }) => ({ message: \`hello \${name}\` }),
});
`;

const greeting = `import { defineEntity, p } from "@mikro-orm/mysql";

// A MikroORM entity (defineEntity: no decorators). Create its table with a
// migration (see README) before using it in a handler.
const GreetingSchema = defineEntity({
  name: "Greeting",
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string(),
  },
});
export class Greeting extends GreetingSchema.class {}
GreetingSchema.setClass(Greeting);
`;

function appTs(plan: Plan): string {
  const has = (t: Transport) => plan.transports.includes(t);
  const imports = [
    `import { createApp } from "@wego/core";`,
    has("cli") && `import { createCliRouter, isCommandMode } from "@wego/cli";`,
    has("cron") && `import { createCronRouter } from "@wego/cron";`,
    has("grpc") && `import { createGrpcRouter } from "@wego/grpc";`,
    has("http") && `import { createHttpRouter } from "@wego/http";`,
    has("mysql") && `import { mysqlProvider } from "@wego/mysql";`,
    has("queue") && `import { createQueueRouter } from "@wego/redis-queue";`,
    has("timer") && `import { createTimerRouter } from "@wego/timer";`,
    has("ws") && `import { createWsRouter } from "@wego/ws";`,
    has("mysql") && `import { Greeting } from "./greeting.ts";`,
    `import { greet } from "./greet.ts";`,
  ].filter(Boolean);
  const logger = has("cli")
    ? `\n    // In command mode stdout carries only the result: logs go to stderr.\n    logger: { fd: isCommandMode() ? 2 : 1 },`
    : "";
  const body = [
    has("http") && `  const http = createHttpRouter().get("/hello/:name", greet).post("/greet", greet);\n  app.router("http", http);`,
    has("grpc") && `  app.router("grpc", createGrpcRouter().route("greet", greet)); // the generic wego.v1 service`,
    has("ws") &&
      (has("http")
        ? `  app.router("ws", createWsRouter({ attach: http }).route("greet", greet)); // frames {id, route: "greet", data} on /ws`
        : `  app.router("ws", createWsRouter().route("greet", greet)); // frames {id, route: "greet", data} on /ws`),
    has("cron") && `  app.router("cron", createCronRouter().route("0 0 * * * *", greet, { input: { name: "cron" } })); // hourly`,
    has("timer") && `  app.router("timer", createTimerRouter().route("greet", "1m", greet, { input: { name: "timer" } }));`,
    has("cli") && `  app.router("command", createCliRouter().route("greet", greet)); // npm start -- --server command run greet --name you`,
    has("queue") &&
      `  // Jobs named "greet" on queue "${plan.name}" (Redis from config redis.url), pushed elsewhere with\n  // createQueueProducer({ queue: "${plan.name}" }).push("greet", { name: "you" }).\n  app.router("queue", createQueueRouter({ queue: "${plan.name}" }).route("greet", greet));`,
    has("mysql") && `  app.provider(mysqlProvider({ entities: [Greeting] })); // config mysql.url`,
  ].filter(Boolean);
  const ret = has("http") ? "{ app, http }" : "{ app }";
  return `${imports.join("\n")}

/**
 * The app: its handler and the routers that serve it. Ports and URLs come from
 * config.toml, \`WEGO_*\` env (\`WEGO_HTTP_PORT=0\`) or flags (\`--http.port 0\`,
 * \`--server http\` to start only some routers).
 */
export function buildApp(argv?: readonly string[]) {
  const app = createApp({
    name: "${plan.name}",
    config: { file: "config.toml", ...(argv ? { argv } : {}) }, // default argv: the process's${logger}
    handleSignals: true, // drain in-flight work on SIGTERM / SIGINT, then exit
  });
  app.handler(greet);
${body.join("\n")}
  return ${ret};
}
`;
}

const routerOf: Partial<Record<Transport, string>> = { http: "http", grpc: "grpc", ws: "ws", cron: "cron", timer: "timer", queue: "queue" };

function mainTs(plan: Plan): string {
  const http = plan.transports.includes("http");
  const servers = plan.transports.flatMap((t) => routerOf[t] ?? []);
  const start = plan.transports.includes("cli")
    ? `// \`--server a,b\` (or WEGO_SERVER) picks routers; by default all but the one-shot command,
// which runs with \`--server command run greet --name you\`.
const asked = app.config.get<string[]>("server", []);
await app.start({ servers: asked.length > 0 ? asked : ${JSON.stringify(servers)} });`
    : "await app.start(); // `--server a,b` (or WEGO_SERVER) starts only some routers";
  const listening = http ? `\nif (http.port !== undefined) app.log.info("listening %d", http.port);` : "";
  return `import { buildApp } from "./app.ts";

const { app${http ? ", http" : ""} } = buildApp();
${start}${listening}
`;
}

function configToml(plan: Plan): string {
  const has = (t: Transport) => plan.transports.includes(t);
  const sections = [
    `name = "${plan.name}"`,
    has("http") && `[http]\nport = 8341\nhost = "127.0.0.1"  # "0.0.0.0" in a container`,
    has("grpc") && `[grpc]\nport = 9341`,
    has("ws") && !has("http") && `[ws]\nport = 8342`,
    has("queue") && `[redis]\nurl = "redis://127.0.0.1:6379"`,
    has("mysql") && `[mysql]\nurl = "mysql://root@127.0.0.1:3306/test"`,
  ].filter(Boolean);
  return `# Config: this file < WEGO_* env (WEGO_HTTP_PORT) < --flags (--http.port).\n${sections.join("\n\n")}\n`;
}

function testTs(plan: Plan): string {
  const http = plan.transports.includes("http")
    ? `
test("GET /hello/:name answers over HTTP", async () => {
  const { app, http } = buildApp(["--server", "http", "--http.port", "0"]);
  await app.start();
  try {
    const res = await fetch(\`http://127.0.0.1:\${http.port}/hello/http\`);
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).data, { message: "hello http" });
  } finally {
    await app.stop();
  }
});
`
    : "";
  return `import assert from "node:assert/strict";
import { test } from "node:test";
import { invoke } from "@wego/core/testing";
import { buildApp } from "../src/app.ts";

test("greet says hello", async () => {
  const { app } = buildApp([]);
  assert.deepEqual(await invoke(app, "greet", { name: "test" }), { message: "hello test" });
});

test("greet refuses an empty name with invalid_argument", async () => {
  const { app } = buildApp([]);
  await assert.rejects(invoke(app, "greet", { name: "" }), { code: "invalid_argument" });
});
${http}`;
}

const tsconfig = `{
  "compilerOptions": {
    "target": "es2023",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "noEmit": true,
    "allowImportingTsExtensions": true,
    "erasableSyntaxOnly": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["src", "test"]
}
`;

function readme(plan: Plan): string {
  const has = (t: Transport) => plan.transports.includes(t);
  const tries = [
    has("http") && 'curl -s localhost:8341/hello/you          # {"code":"ok","data":{"message":"hello you"},…}',
    has("cli") && "npm start -- --server command run greet --name you   # the CLI router: one command, JSON out",
  ].filter(Boolean);
  const needs = [has("queue") && "Redis (config `redis.url`)", has("mysql") && "MySQL or MariaDB (config `mysql.url`)"].filter(Boolean);
  return `# ${plan.name}

A wego app (@wego/core): one typed handler (\`src/greet.ts\`) served on ${plan.transports.join(", ")}.
Requires Node >= 22.19 (it runs the TypeScript sources directly)${needs.length ? ` and ${needs.join(" and ")}` : ""}.

\`\`\`sh
npm install
npm test         # node:test, the handler in memory${has("http") ? " and over HTTP" : ""}
npm start        # serves until SIGTERM / Ctrl-C, then drains and exits
npm run typecheck
\`\`\`
${tries.length ? `\n\`\`\`sh\n${tries.join("\n")}\n\`\`\`\n` : ""}
- \`src/greet.ts\` — the handler: input and output schemas (zod), validated for every transport.
- \`src/app.ts\` — the app and its routers; \`src/main.ts\` starts it.
- \`config.toml\` — ports and URLs; \`WEGO_HTTP_PORT=9000\` or \`--http.port 9000\` override.
- \`test/\` — tests with node:test and \`invoke\` from \`@wego/core/testing\`.
`;
}

/** Every file of the app, by relative path. */
export function render(plan: Plan): Record<string, string> {
  const files: Record<string, string> = {
    "package.json": packageJson(plan),
    "tsconfig.json": tsconfig,
    "config.toml": configToml(plan),
    "src/greet.ts": greet,
    "src/app.ts": appTs(plan),
    "src/main.ts": mainTs(plan),
    "test/greet.test.ts": testTs(plan),
    "README.md": readme(plan),
    ".gitignore": "node_modules/\ndist/\nlogs/\n*.log\n.env\n",
  };
  if (plan.transports.includes("mysql")) files["src/greeting.ts"] = greeting;
  return files;
}
