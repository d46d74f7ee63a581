import { Readable } from "node:stream";
import { type App, type Context, createApp, WegoError } from "@wego/core";
import { createMemoryRouter } from "@wego/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRouter, type CliRouterOptions, createCliRouter, isCommandMode } from "./cli-router.js";

let app: App | undefined;

function capture(isTTY = false) {
  const io = { out: "", err: "" };
  return {
    io,
    stdout: { write: (s: string) => (io.out += s), isTTY },
    stderr: { write: (s: string) => (io.err += s) },
  };
}

async function setup(
  options: CliRouterOptions = { autorun: false, stdin: null },
  production = false,
): Promise<{ app: App; router: CliRouter; seen: Context[] }> {
  const a = createApp({ name: "clitest", logger: false, production, config: { env: {}, argv: [] } });
  app = a;
  const seen: Context[] = [];
  a.handler("exam.one", async (ctx) => {
    seen.push(ctx);
    return { got: ctx.request };
  });
  a.handler("exam.missing", async () => {
    throw new WegoError("not_found", "no such exam", { reason: "EXAM_404" });
  });
  a.handler("exam.auth", async () => {
    throw new WegoError("unauthenticated", "token required");
  });
  a.handler("exam.crash", async () => {
    throw new Error("db password is hunter2");
  });
  a.handler("exam.wait", (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))));
  const router = createCliRouter(options);
  for (const name of a.handlers()) router.route(name, name);
  a.router("command", router);
  a.router("mem", createMemoryRouter().route("/mem/one", "exam.one"));
  await a.start({ servers: ["command", "mem"] });
  return { app: a, router, seen };
}

afterEach(async () => {
  await app?.stop({ timeout: 1_000 });
  app = undefined;
});

describe("cli router: exec", () => {
  it("runs a route and prints the envelope as one JSON line", async () => {
    const { router, seen } = await setup();
    const c = capture();
    const code = await router.exec(["--server", "command", "--request-id", "r-1", "run", "exam.one", "--k", "v", "--n", "3"], c);
    expect(code).toBe(0);
    expect(c.io.out).toBe(`${JSON.stringify({ code: "ok", message: "ok", data: { got: { k: "v", n: 3 } }, requestId: "r-1" })}\n`);
    expect(c.io.err).toBe("");
    expect(seen[0]?.transport).toBe("cli");
    expect(seen[0]?.route).toBe("exam.one");
    expect(seen[0]?.id).toBe("r-1");
  });

  it("indents the JSON on a terminal", async () => {
    const { router } = await setup();
    const c = capture(true);
    await router.exec(["--cmd", "exam.one", "--args", '{"k":"v"}'], c);
    expect(c.io.out).toContain('{\n  "code": "ok"');
    expect(JSON.parse(c.io.out).data).toEqual({ got: { k: "v" } });
  });

  it("exits with the code mapped from the handler's error code", async () => {
    const { router } = await setup();
    const cases: Array<[string, number, string]> = [
      ["exam.missing", 3, "not_found"],
      ["exam.auth", 12, "unauthenticated"],
      ["exam.crash", 1, "internal"],
    ];
    for (const [route, exit, code] of cases) {
      const c = capture();
      expect(await router.exec(["run", route], c)).toBe(exit);
      expect(JSON.parse(c.io.out)).toMatchObject({ code, data: null });
    }
    const c = capture();
    await router.exec(["run", "exam.missing"], c);
    expect(JSON.parse(c.io.out)).toMatchObject({ message: "no such exam", reason: "EXAM_404" });
  });

  it("hides an internal error's message in production", async () => {
    const { router } = await setup({ autorun: false, stdin: null }, true);
    const c = capture();
    expect(await router.exec(["run", "exam.crash"], c)).toBe(1);
    expect(c.io.out).not.toContain("hunter2");
    expect(JSON.parse(c.io.out)).toMatchObject({ code: "internal", message: "internal error" });
  });

  it("answers an unknown route with unimplemented (exit 10), the routes on stderr", async () => {
    const { router } = await setup();
    const c = capture();
    expect(await router.exec(["run", "exam.nope"], c)).toBe(10);
    expect(JSON.parse(c.io.out)).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_CLI_ROUTE_UNKNOWN" });
    expect(c.io.err).toMatch(/no command route "exam.nope" \(known: exam.one, exam.missing, exam.auth, exam.crash, exam.wait\)/);
    expect(c.io.err).toContain("--list");
  });

  it("answers bad input and bad usage with invalid_argument (exit 2)", async () => {
    const { router } = await setup();
    for (const argv of [["--cmd", "exam.one", "--args", "{bad"], ["--server", "command"], ["frobnicate"]]) {
      const c = capture();
      expect(await router.exec(argv, c)).toBe(2);
      expect(JSON.parse(c.io.out).code).toBe("invalid_argument");
      expect(c.io.err.length).toBeGreaterThan(0);
    }
  });

  it("reads JSON from stdin with '-' or when it is piped, and merges flags over it", async () => {
    const { router } = await setup();
    const stdin = () => Readable.from(['{"k":', '"v"}']);
    for (const argv of [
      ["run", "exam.one", "-"],
      ["--cmd", "exam.one", "--args", "-"],
      ["run", "exam.one"],
    ]) {
      const c = capture();
      expect(await router.exec(argv, { ...c, stdin: stdin() })).toBe(0);
      expect(JSON.parse(c.io.out).data).toEqual({ got: { k: "v" } });
    }
    const c = capture();
    await router.exec(["run", "exam.one", "-", "--n", "1"], { ...c, stdin: stdin() });
    expect(JSON.parse(c.io.out).data).toEqual({ got: { k: "v", n: 1 } });
    const empty = capture();
    await router.exec(["run", "exam.one"], { ...empty, stdin: Readable.from([]) });
    expect(JSON.parse(empty.io.out).data).toEqual({ got: {} });
    const bad = capture();
    expect(await router.exec(["run", "exam.one", "-"], { ...bad, stdin: Readable.from(["nope"]) })).toBe(2);
    expect(JSON.parse(bad.io.out).reason).toBe("WEGO_ERR_INPUT_NOT_JSON");
  });

  it("lists every route of the app: JSON in a pipe, a table on a terminal", async () => {
    const { router } = await setup();
    const c = capture();
    expect(await router.exec(["--list"], c)).toBe(0);
    const routes = JSON.parse(c.io.out) as Array<{ server: string; route: string; handler: string }>;
    expect(routes).toContainEqual({ server: "command", route: "exam.one", handler: "exam.one" });
    expect(routes).toContainEqual({ server: "mem", route: "/mem/one", handler: "exam.one" });
    const t = capture(true);
    await router.exec(["list"], t);
    expect(t.io.out.split("\n")[0]).toMatch(/^SERVER +ROUTE +HANDLER$/);
    expect(t.io.out).toMatch(/mem +\/mem\/one +exam\.one/);
  });

  it("explains itself with --help: forms, routes and exit codes", async () => {
    const { router } = await setup();
    const c = capture();
    expect(await router.exec(["--help"], c)).toBe(0);
    expect(c.io.out).toContain("Usage: clitest --server command <command>");
    expect(c.io.out).toContain("--cmd <route> [--args <json | ->]");
    expect(c.io.out).toContain("Command routes: exam.one, exam.missing, exam.auth, exam.crash, exam.wait");
    expect(c.io.out).toContain("0 ok, 1 internal, 2 invalid_argument, 3 not_found");
    expect(c.io.out).toContain("130 cancelled");
  });
});

describe("cli router: deadline and state", () => {
  it("ends a command at its --timeout with deadline_exceeded (exit 4), aborting the handler", async () => {
    const { router } = await setup();
    const c = capture();
    const started = Date.now();
    expect(await router.exec(["--timeout", "100", "--request-id", "t-1", "run", "exam.wait"], c)).toBe(4);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(JSON.parse(c.io.out)).toMatchObject({ code: "deadline_exceeded", requestId: "t-1" });
  });

  it("rejects exec before start, and a route added after start", async () => {
    const router = createCliRouter({ autorun: false, stdin: null }).route("exam.one", "exam.one");
    await expect(router.exec(["run", "exam.one"], capture())).rejects.toMatchObject({ reason: "WEGO_ERR_CLI_NOT_STARTED" });
    const { router: started } = await setup();
    expect(() => started.route("exam.late", "exam.one")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_LATE" }));
  });
});

describe("cli router: autorun", () => {
  it("runs the command line at start, stops the app, then reports the exit code", async () => {
    const c = capture();
    const exits: number[] = [];
    const { app: a, router } = await setup({ argv: ["run", "exam.missing"], stdin: null, ...c, exit: (code) => exits.push(code) });
    expect(await router.done).toBe(3);
    expect(exits).toEqual([3]);
    expect(a.state).toBe("stopped");
    expect(JSON.parse(c.io.out).code).toBe("not_found");
  });

  it("runs nothing when the app fails to start after it", async () => {
    const c = capture();
    const exits: number[] = [];
    const a = createApp({ name: "clitest", logger: false, config: { env: {}, argv: [] } });
    app = a;
    a.handler("exam.one", async () => ({}));
    const router = createCliRouter({ argv: ["run", "exam.one"], stdin: null, ...c, exit: (code) => exits.push(code) });
    a.router("command", router.route("exam.one", "exam.one"));
    a.router("broken", {
      start: () => {
        throw new Error("port taken");
      },
      stop: () => {},
    });
    await expect(a.start()).rejects.toThrow(/port taken/);
    expect(await router.done).toBe(11);
    expect(exits).toEqual([]);
    expect(c.io.out).toBe("");
  });
});

describe("isCommandMode", () => {
  it("reads --server and WEGO_SERVER", () => {
    expect(isCommandMode(["--server", "command", "run", "x"], {})).toBe(true);
    expect(isCommandMode(["--server=http,command"], {})).toBe(true);
    expect(isCommandMode(["--server", "http"], { WEGO_SERVER: "command" })).toBe(false);
    expect(isCommandMode([], { WEGO_SERVER: "command" })).toBe(true);
    expect(isCommandMode([], {})).toBe(false);
  });
});
