// The command router as users meet it: a real process of a small app
// (fixture-app.ts, run on the workspace sources by Node's TypeScript support),
// checked on its stdout, stderr and exit code.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Result, runApp } from "./run-app.js";

const scratch = mkdtempSync(join(tmpdir(), "wego-cli-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** stdout must be exactly one JSON document: the envelope. */
function envelope(r: Result): Record<string, unknown> {
  expect(r.stdout.endsWith("\n")).toBe(true);
  expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("a command-mode process", () => {
  it("runs `run <route> --key value`: the envelope on stdout, logs on stderr, exit 0", async () => {
    const r = await runApp(["--server", "command", "run", "exam.one", "--name", "ann", "--n", "2"]);
    expect(r.code).toBe(0);
    const body = envelope(r);
    expect(body).toMatchObject({ code: "ok", data: { hello: "ann", input: { name: "ann", n: 2 } } });
    const ran = r.logs.find((l) => l.msg === "exam.one ran");
    expect(ran).toMatchObject({ transport: "cli", route: "exam.one", reqId: body.requestId });
    expect(r.logs.map((l) => l.msg)).toContain("fixture stopped");
  });

  it("keeps the original's --cmd / --args flags", async () => {
    const r = await runApp(["--server", "command", "--cmd", "exam.one", "--args", '{"name":"bob","k":"v"}']);
    expect(r.code).toBe(0);
    expect(envelope(r)).toMatchObject({ code: "ok", data: { hello: "bob", input: { name: "bob", k: "v" } } });
  });

  it("reads the input as JSON from stdin, piped or with '-'", async () => {
    const file = join(scratch, "input.json");
    writeFileSync(file, '{"name":"from-file"}\n');
    const fd = openSync(file, "r");
    const piped = await runApp(["--server", "command", "run", "exam.one"], { stdin: fd }).finally(() => closeSync(fd));
    expect(piped.code).toBe(0);
    expect(envelope(piped)).toMatchObject({ data: { hello: "from-file" } });
    const dash = await runApp(["--server", "command", "run", "exam.age", "-"], { stdin: '{"age":41}' });
    expect(dash.code).toBe(0);
    expect(envelope(dash)).toMatchObject({ code: "ok", data: { nextYear: 42 } });
  });

  it("exits 2 on bad input: JSON that doesn't parse, or a handler's validation error", async () => {
    const r = await runApp(["--server", "command", "--cmd", "exam.one", "--args", "{name:"]);
    expect(r.code).toBe(2);
    expect(envelope(r)).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_INPUT_NOT_JSON", data: null });
    expect(r.stderr).toMatch(/input is not valid JSON/);
    const v = await runApp(["--server", "command", "run", "exam.age", "--age", "old"]);
    expect(v.code).toBe(2);
    expect(envelope(v)).toMatchObject({ code: "invalid_argument", message: "age must be a number", details: [{ field: "age" }] });
  });

  it("exits 10 on an unknown route and says which routes exist", async () => {
    const r = await runApp(["--server", "command", "run", "exam.nope"]);
    expect(r.code).toBe(10);
    expect(envelope(r)).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_CLI_ROUTE_UNKNOWN" });
    expect(r.stderr).toContain('no command route "exam.nope" (known: exam.one, exam.age, exam.crash)');
  });

  it("exits 1 on an internal error, hiding its message in production but logging it on stderr", async () => {
    const r = await runApp(["--server", "command", "run", "exam.crash"], { env: { NODE_ENV: "production" } });
    expect(r.code).toBe(1);
    const body = envelope(r);
    expect(body).toMatchObject({ code: "internal", message: "internal error" });
    expect(r.stdout).not.toContain("hunter2");
    // Logged once, by dispatch, with the cause and its stack (the router adds no line of its own).
    const failed = r.logs.filter((l) => l.level === 50);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ reqId: body.requestId, msg: "unhandled error in handler exam.crash" });
    expect(JSON.stringify(failed[0])).toContain("hunter2");
  });

  it("lists the routes with --list and explains itself with --help", async () => {
    const list = await runApp(["--server", "command", "--list"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { server: "command", route: "exam.one", handler: "exam.one" },
      { server: "command", route: "exam.age", handler: "exam.age" },
      { server: "command", route: "exam.crash", handler: "exam.crash" },
    ]);
    const help = await runApp(["--server", "command", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: fixture --server command <command>");
    expect(help.stdout).toContain("10 unimplemented");
  });
});
