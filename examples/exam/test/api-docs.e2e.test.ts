// The example's API docs as a stranger uses them: the built example serves its
// OpenAPI document, which an independent validator accepts; openapi-typescript
// turns it into types, a client on openapi-fetch compiles against them (and a
// wrong field does not), then calls the running example; the AsyncAPI
// document passes @asyncapi/parser.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { Parser } from "@asyncapi/parser";
import { compileErrors, validate } from "@readme/openapi-parser";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, type ExamProcess, startExam } from "./exam-process.js";

const run = promisify(execFile);
const tsc = createRequire(join(import.meta.dirname, "..", "..", "..", "package.json")).resolve("typescript/bin/tsc");

let exam: ExamProcess;
let base: string;
// The generated client lives beside the example so it resolves openapi-fetch from its node_modules.
const dir = mkdtempSync(join(import.meta.dirname, ".openapi-client-"));

beforeAll(async () => {
  const started = await startExam(["--server", "http,websocket", "--http.port", "0", "--ws.port", "0"], childEnv({}));
  exam = started.exam;
  base = (started.listening as unknown as { http: string }).http;
});
afterAll(async () => {
  exam?.kill("SIGTERM");
  await exam?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const client = (body: string) => `import createClient from "openapi-fetch";
import type { paths } from "./schema.ts";

const client = createClient<paths>({ baseUrl: process.argv[2] });
${body}
`;

/** Type-check `files` (name → source) in the generated dir; resolves tsc's output, "" when clean. */
async function typecheck(main: string): Promise<string> {
  const args = [
    tsc,
    "--ignoreConfig",
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2023",
  ];
  args.push("--allowImportingTsExtensions", "--types", "node", "--skipLibCheck", join(dir, main));
  return run(process.execPath, args, { cwd: dir }).then(
    () => "",
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );
}

describe("the example's OpenAPI document", () => {
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as Record<string, unknown>;
  });

  it("passes @readme/openapi-parser's validation", async () => {
    const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    const paths = doc.paths as Record<string, Record<string, { security?: unknown }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["/exam/greet", "/exam/sql/{id}", "/exam/auth"]));
    expect(paths["/exam/auth"]?.post?.security).toEqual([{ bearerAuth: [] }]);
  });

  it("generates types with openapi-typescript that an openapi-fetch client compiles against and calls the example with", async () => {
    writeFileSync(join(dir, "schema.ts"), astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0])));
    writeFileSync(
      join(dir, "good.ts"),
      client(`const ok = await client.POST("/exam/greet", { body: { name: "wego", lang: "zh" } });
const greeting: string | undefined = ok.data?.data.greeting;
const bad = await client.POST("/exam/greet", { body: { name: "" } });
const code: string | undefined = bad.error?.code;
console.log(JSON.stringify({ greeting, status: bad.response.status, code }));`),
    );
    writeFileSync(join(dir, "wrong.ts"), client(`await client.POST("/exam/greet", { body: { nam: "wego" } });`));
    expect(await typecheck("good.ts")).toBe("");
    // A misspelt field is a compile error: the types say what the handler takes.
    expect(await typecheck("wrong.ts")).toMatch(/'nam' does not exist in type/);
    const { stdout } = await run(process.execPath, ["--experimental-strip-types", "--no-warnings", join(dir, "good.ts"), base], {
      cwd: dir,
    });
    expect(JSON.parse(stdout)).toEqual({ greeting: "你好, wego", status: 400, code: "invalid_argument" });
  });
});

describe("the example's AsyncAPI document", () => {
  it("passes @asyncapi/parser and describes the WebSocket frames and queue jobs", async () => {
    const doc = (await (await fetch(`${base}/docs/asyncapi.json`)).json()) as Record<string, Record<string, unknown>>;
    const diagnostics = await new Parser().validate(doc as Parameters<Parser["validate"]>[0]);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`)).toEqual([]);
    expect(Object.keys(doc.operations ?? {})).toEqual(expect.arrayContaining(["greet", "queue.exam.job"]));
  });
});

describe("the example's docs page and console", () => {
  it("serves the docs page with its assets from the example itself, and the console outside production", async () => {
    const html = await (await fetch(`${base}/docs`)).text();
    expect(html).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    expect((await fetch(`${base}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    const state = (await (await fetch(`${base}/console/state.json`)).json()) as { handlers: Array<{ name: string; routes: unknown[] }> };
    expect(state.handlers.find((h) => h.name === "greet")?.routes).toEqual(
      expect.arrayContaining([{ server: "http", route: "POST /exam/greet" }]),
    );
  });
});
