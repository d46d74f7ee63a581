// The core conformance suite, driven through the command router's own entry
// point: each call is a command line (`--request-id <id> --timeout <ms> run
// <route> <json>`) executed by `router.exec(argv, io)` against the started
// app, and the reply is the envelope it prints. Input that arrives over time
// is JSON on stdin, written in two parts. The process-level behaviour (exit
// codes, stdout/stderr of a real process) is tested in ../test/cli-process.test.ts.
import { PassThrough } from "node:stream";
import { type ConformanceReply, describeRouterConformance } from "@wego/core/testing/conformance";
import { expect } from "vitest";
import { type CliIo, type CliRouter, createCliRouter } from "./cli-router.js";
import { cliCodes } from "./code-map.js";

async function run(router: CliRouter, argv: string[], stdin: CliIo["stdin"] = null): Promise<ConformanceReply> {
  let out = "";
  const exit = await router.exec(argv, { stdin, stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } });
  const reply = JSON.parse(out) as ConformanceReply & { code: "ok" };
  // Every reply's exit code is the one its error code maps to.
  expect(exit).toBe(reply.code === "ok" ? 0 : cliCodes.toWire(reply.code));
  return reply;
}

describeRouterConformance("cli", () => {
  let router: CliRouter;
  return {
    transport: "cli",
    mount(app, routes) {
      router = createCliRouter({ autorun: false, stdin: null });
      for (const r of routes) router.route(r, r);
      app.router("command", router);
    },
    register(route, target) {
      router.route(route, target);
    },
    call(route, input, options) {
      const id = options?.requestId === undefined ? [] : ["--request-id", options.requestId];
      const timeout = options?.timeoutMs === undefined ? [] : ["--timeout", String(options.timeoutMs)];
      return run(router, [...id, ...timeout, "run", route, JSON.stringify(input)]);
    },
    callRaw(route, json) {
      return run(router, ["run", route, json]);
    },
    async callSlowly(route, input) {
      const stdin = new PassThrough();
      const text = JSON.stringify(input);
      const half = text.length >> 1;
      stdin.write(text.slice(0, half));
      const reply = run(router, ["run", route, "-"], stdin);
      return {
        finish() {
          stdin.end(text.slice(half));
          return reply;
        },
      };
    },
  };
});
