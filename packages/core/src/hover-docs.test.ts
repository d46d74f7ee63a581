// What an IDE shows on hover: every public member an app author touches has
// its documentation. Asked of TypeScript's own language service, as an
// editor does, over a snippet that uses them.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, "__hover__.ts");
const snippet = `import { createApp, defineHandler, filters, services, type Context } from "./index.js";
const app = createApp();
const ctx = undefined as unknown as Context;
filters.create; filters.chain; filters.comm; filters.response; filters.limit; filters.auth;
filters.rateLimit; filters.jwt; filters.timeout; filters.validate; filters.bulkhead;
filters.circuitBreaker; filters.accessLog; filters.metrics; filters.tracing;
services.chain; services.parallel;
app.start; app.stop; app.handler; app.router; app.invoke; app.provider;
ctx.request; ctx.id; ctx.route; ctx.meta; ctx.signal; ctx.log; ctx.response;
defineHandler;
`;

function hoverDocs(): Map<string, string> {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(snippet);
      const text = ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => here,
    getCompilationSettings: () => ({
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
    }),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? snippet : ts.sys.readFile(name)),
  };
  const service = ts.createLanguageService(host);
  const out = new Map<string, string>();
  const re = /\b(filters|services|app|ctx)\.(\w+)|\b(defineHandler);/g;
  for (let m = re.exec(snippet); m !== null; m = re.exec(snippet)) {
    const name = m[3] ?? `${m[1]}.${m[2]}`;
    const at = m.index + (m[3] === undefined ? (m[1] as string).length + 1 : 0);
    const info = service.getQuickInfoAtPosition(file, at);
    out.set(name, ts.displayPartsToString(info?.documentation ?? []));
  }
  return out;
}

it("shows documentation on hover for filters, services, app, ctx and defineHandler members", () => {
  const docs = hoverDocs();
  const missing = [...docs].filter(([, d]) => d.trim().length < 20).map(([n]) => n);
  expect(docs.size).toBeGreaterThanOrEqual(30);
  expect(missing).toEqual([]);
}, 60_000);
