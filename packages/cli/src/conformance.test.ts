// The core conformance suite, driven through the command router's own entry
// point: each call is a command line (`--request-id <id> run <route> <json>`)
// executed against the started app, and the reply is the envelope it prints.
// The process-level behaviour (exit codes, stdout/stderr of a real process)
// is tested in ../test/cli-process.test.ts.
import { describeRouterConformance } from "@wego/core/testing";
import { expect } from "vitest";
import { type CliRouter, createCliRouter } from "./cli-router.js";
import { exitCodeOf } from "./code-map.js";

describeRouterConformance("cli", () => {
  let router: CliRouter | undefined;
  return {
    transport: "cli",
    mount(app, routes) {
      router = createCliRouter({ autorun: false, stdin: null });
      for (const r of routes) router.route(r, r);
      app.router("command", router);
    },
    async call(route, input, options) {
      let out = "";
      const argv = [...(options?.requestId ? ["--request-id", options.requestId] : []), "run", route, JSON.stringify(input)];
      const exit = await (router as CliRouter).exec(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } });
      const body = JSON.parse(out) as { code: "ok"; data: unknown; message: string; requestId: string };
      // Every reply's exit code is the one its error code maps to.
      expect(exit).toBe(exitCodeOf(body.code));
      return { code: body.code, data: body.data, message: body.message, requestId: body.requestId };
    },
  };
});
