import type { WegoError } from "@wego/core";
import type { InputLimits } from "@wego/core/transport";
import { describe, expect, it } from "vitest";
import { coerceValue, parseCommandLine } from "./command-line.js";

function usageError(argv: string[], limits?: InputLimits): WegoError {
  try {
    parseCommandLine(argv, limits);
  } catch (err) {
    return err as WegoError;
  }
  throw new Error(`parsed: ${argv.join(" ")}`);
}

describe("parseCommandLine", () => {
  it("reads the original wego's --cmd / --args form among config flags", () => {
    const line = parseCommandLine(["--server", "command", "--http.port=8080", "--cmd", "exam.one", "--args", '{"k":"v","n":1}']);
    expect(line).toMatchObject({ action: "run", route: "exam.one", input: { k: "v", n: 1 }, stdin: false });
    const bare = parseCommandLine(["--cmd", "exam.one"]);
    expect(bare).toMatchObject({ action: "run", route: "exam.one" });
    expect(bare.input).toBeUndefined();
    expect(parseCommandLine(["--cmd=exam.one", "--args=-"])).toMatchObject({ route: "exam.one", stdin: true });
  });

  it("reads run <route> with --key value pairs, nesting dotted keys and collecting repeats", () => {
    const line = parseCommandLine([
      "--server",
      "command",
      "run",
      "exam.one",
      "--k",
      "v",
      "--n",
      "2",
      "--user.name=ann",
      "--tag",
      "a",
      "--tag",
      "b",
      "--dry",
    ]);
    expect(line.action).toBe("run");
    expect(line.route).toBe("exam.one");
    expect(line.input).toEqual({ k: "v", n: 2, user: { name: "ann" }, tag: ["a", "b"], dry: true });
  });

  it("merges pairs over a JSON argument, and leaves stdin to the router", () => {
    expect(parseCommandLine(["run", "r", '{"k":"old","keep":{"x":1}}', "--k", "new", "--keep.y", "2"]).input).toEqual({
      k: "new",
      keep: { x: 1, y: 2 },
    });
    const piped = parseCommandLine(["run", "r", "-", "--k", "v"]);
    expect(piped).toMatchObject({ stdin: true, input: undefined, flags: [["k", "v"]] });
    expect(parseCommandLine(["run", "r", "[1,2]"]).input).toEqual([1, 2]);
  });

  it("reads --list, --help, -h and the request id and pretty flags", () => {
    expect(parseCommandLine(["--server", "command", "--list"]).action).toBe("list");
    expect(parseCommandLine(["--list", "run", "x"]).action).toBe("list");
    expect(parseCommandLine(["list"]).action).toBe("list");
    expect(parseCommandLine(["-h"]).action).toBe("help");
    expect(parseCommandLine(["--list", "--help"]).action).toBe("help");
    expect(parseCommandLine(["--request-id", "req-1", "--compact", "run", "x"])).toMatchObject({ requestId: "req-1", pretty: false });
    expect(parseCommandLine(["--server", "command"]).action).toBe("none");
  });

  it("fails with a usage error naming what is wrong", () => {
    const cases: Array<[string[], RegExp]> = [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["run"], /run needs a route/],
      [["run", "--k", "v"], /run needs a route/],
      [["--cmd"], /--cmd needs a value/],
      [["--args", "{}"], /--args needs --cmd/],
      [["--cmd", "a", "run", "b"], /not both/],
      [["run", "r", "stray"], /unexpected argument "stray"/],
      [["run", "r", "[1]", "--k", "v"], /only be merged into a JSON object/],
      [["run", "r", "--__proto__.polluted", "1"], /bad input flag/],
    ];
    for (const [argv, message] of cases) {
      const err = usageError(argv);
      expect(err.reason).toBe("WEGO_ERR_CLI_USAGE");
      expect(err.code).toBe("invalid_argument");
      expect(err.rawMessage).toMatch(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("fails bad JSON input as invalid input, not usage", () => {
    for (const argv of [
      ["--cmd", "r", "--args", "{bad"],
      ["run", "r", "{bad"],
    ]) {
      const err = usageError(argv);
      expect(err.reason).toBe("WEGO_ERR_INPUT_NOT_JSON");
      expect(err.rawMessage).toMatch(/is not valid JSON/);
    }
  });

  it("reads JSON input through core's parseJson and its limits", () => {
    const limits = { maxDepth: 3, maxBytes: 64 };
    expect(parseCommandLine(["run", "r", '{"a":{"b":1}}'], limits).input).toEqual({ a: { b: 1 } });
    expect(usageError(["run", "r", '{"a":{"b":{"c":{}}}}'], limits).reason).toBe("WEGO_ERR_INPUT_TOO_DEEP");
    expect(usageError(["--cmd", "r", "--args", `{"k":"${"x".repeat(80)}"}`], limits).reason).toBe("WEGO_ERR_INPUT_TOO_LARGE");
    expect(usageError(["run", "r", '{"__proto__":{"polluted":1}}']).reason).toBe("WEGO_ERR_INPUT_KEY");
  });

  it("reads --timeout as a deadline in ms, and refuses what is not one", () => {
    expect(parseCommandLine(["--timeout", "1500", "run", "r"]).timeoutMs).toBe(1500);
    expect(parseCommandLine(["--timeout=20", "--cmd", "r"]).timeoutMs).toBe(20);
    for (const bad of ["0", "-5", "soon", "1e3"]) expect(usageError(["--timeout", bad, "run", "r"]).reason).toBe("WEGO_ERR_CLI_USAGE");
  });
});

describe("coerceValue", () => {
  it("parses JSON literals that survive the round trip and keeps other text", () => {
    expect(coerceValue("42")).toBe(42);
    expect(coerceValue("-1.5")).toBe(-1.5);
    expect(coerceValue("true")).toBe(true);
    expect(coerceValue("null")).toBeNull();
    expect(coerceValue('{"a":1}')).toEqual({ a: 1 });
    expect(coerceValue("007")).toBe("007");
    expect(coerceValue("1e3")).toBe("1e3");
    expect(coerceValue("12345678901234567890")).toBe("12345678901234567890");
    expect(coerceValue("{not json")).toBe("{not json");
    expect(coerceValue("hello")).toBe("hello");
  });
});
