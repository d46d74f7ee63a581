import { fstatSync } from "node:fs";
import { type App, type Code, type RouteInfo, type Router, type StopOptions, WegoError } from "@wego/core";
import {
  type Answer,
  type CodeMap,
  createDispatcher,
  createRouteTable,
  type Dispatcher,
  type Invocation,
  parseJson,
  type RouteTarget,
} from "@wego/core/transport";
import { cliError } from "./cli-errors.js";
import { exitCodeMap, exitCodes } from "./code-map.js";
import { type CommandLine, mergeFlags, parseCommandLine } from "./command-line.js";

/** Where a command reads and writes. */
export interface CliIo {
  /** The input stream; `null` never reads one. Default `process.stdin`. */
  stdin: NodeJS.ReadableStream | null;
  /** Results (the envelope), `--list`, `--help`. Default `process.stdout`. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Usage errors. Default `process.stderr`. (The app's own logs go where its logger writes.) */
  stderr: { write(text: string): unknown };
}

/** Options of {@link createCliRouter}. */
export interface CliRouterOptions extends Partial<CliIo> {
  /** The command line; default `process.argv.slice(2)`. */
  argv?: readonly string[];
  /**
   * Run the command line when the router starts, then stop the app and set
   * the exit code (default true). False: only `exec()` runs commands (tests,
   * embedding).
   */
  autorun?: boolean;
  /** Indent the JSON; default when stdout is a terminal (`--pretty` / `--compact` win). */
  pretty?: boolean;
  /** Override exit codes per error code. */
  exitCodes?: Partial<Record<Code, number>>;
  /**
   * Called with the exit code once the app has stopped. Default: set
   * `process.exitCode`, and if something still keeps the process alive after
   * `forceExitAfter` ms (a client left open), `process.exit` with it.
   */
  exit?: (code: number) => void;
  /** See `exit`; default 5 000 ms; 0 never forces. */
  forceExitAfter?: number;
  /** Program name in `--help`; default the app's name. */
  program?: string;
}

/** The command router: command routes, `exec` of one command line, and the autorun's exit code. */
export interface CliRouter extends Router {
  /**
   * Expose `target` (a handler name, a typed handler or an endpoint) as the
   * command route `name` (`"exam.one"`). A name taken throws
   * `WEGO_ERR_ROUTE_DUPLICATE`, a route added after start `WEGO_ERR_ROUTE_LATE`.
   */
  route(name: string, target: RouteTarget): this;
  /**
   * Run one command line against the started app: print the envelope (or the
   * listing, or help) and resolve the exit code. One dispatch per command
   * (the same path as every transport: request id, input hygiene, deadline,
   * drain). Rejects only before start (`WEGO_ERR_CLI_NOT_STARTED`). Does not
   * stop the app.
   */
  exec(argv: readonly string[], io?: Partial<CliIo>): Promise<number>;
  /** With autorun: the exit code, once the command ran and the app stopped. */
  readonly done: Promise<number>;
}

/**
 * The one-shot command router (`--server command`): runs one handler from the
 * command line and exits. Forms:
 *
 * - `app --server command run exam.one --k v --n 2` (`--key value` pairs; dotted keys nest)
 * - `app --server command run exam.one '{"k":"v"}'`, or `-` / a pipe for JSON on stdin
 * - `app --server command --cmd exam.one --args '{"k":"v"}'` (the original wego's flags)
 * - `app --server command --list` / `--help`
 *
 * The envelope goes to stdout as JSON (indented on a terminal), the exit code
 * comes from the error code (see {@link exitCodes}), then the router stops the
 * app. Logs belong on stderr: create the app with `logger: { fd: 2 }` in
 * command mode (see {@link isCommandMode}).
 *
 * @example
 * const app = createApp({ logger: { fd: isCommandMode() ? 2 : 1 }, handleSignals: true });
 * app.router("command", createCliRouter().route("exam.one", app.handler("one")));
 * await app.start();
 */
export function createCliRouter(options: CliRouterOptions = {}): CliRouter {
  return new CliRouterImpl(options);
}

/**
 * True when the command line or `WEGO_SERVER` selects the `command` router
 * (or `server`), so a main can send logs to stderr before creating the app.
 */
export function isCommandMode(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  server = "command",
): boolean {
  let value = env.WEGO_SERVER;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (a === "--server") value = argv[i + 1];
    else if (a.startsWith("--server=")) value = a.slice(9);
  }
  return (value ?? "").split(",").some((s) => s.trim() === server);
}

/** Whether fd 0 carries data to read: a pipe or a file, never a terminal, /dev/null or an inherited socket. */
function stdinIsPiped(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

const usageHint = "Run with --help for usage.";

class CliRouterImpl implements CliRouter {
  readonly #options: CliRouterOptions;
  readonly #table = createRouteTable("cli");
  readonly #codes: CodeMap<number>;
  #app: App | undefined;
  #d: Dispatcher | undefined;
  #pending: NodeJS.Immediate | undefined;
  #resolveDone!: (code: number) => void;
  readonly done: Promise<number>;

  constructor(options: CliRouterOptions) {
    this.#options = options;
    this.#codes = exitCodeMap(options.exitCodes);
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  route(name: string, target: RouteTarget): this {
    this.#table.add(name, target, undefined);
    return this;
  }

  routes(): RouteInfo[] {
    return this.#table.routes();
  }

  start(app: App): void {
    this.#table.start(app);
    this.#app = app;
    this.#d = createDispatcher(app, { transport: "cli" });
    if (this.#options.autorun === false) return;
    // After start returns: the app finishes starting, then the command runs and stops it.
    this.#pending = setImmediate(() => {
      this.#pending = undefined;
      void this.#autorun(app);
    });
  }

  async stop({ signal }: StopOptions): Promise<void> {
    if (this.#pending !== undefined) {
      // Stopped before the command began (another router failed to start): run nothing.
      clearImmediate(this.#pending);
      this.#pending = undefined;
      this.#resolveDone(exitCodes.unavailable);
    }
    // A command whose input was still being read when stop began was admitted: it runs.
    await this.#d?.drain(signal);
  }

  exec(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
    const d = this.#d;
    if (d === undefined) return Promise.reject(cliError("WEGO_ERR_CLI_NOT_STARTED"));
    const full: CliIo = {
      stdin: io.stdin !== undefined ? io.stdin : this.#options.stdin !== undefined ? this.#options.stdin : process.stdin,
      stdout: io.stdout ?? this.#options.stdout ?? process.stdout,
      stderr: io.stderr ?? this.#options.stderr ?? process.stderr,
    };
    return this.#exec(d, argv, full).catch((err: unknown) => {
      // Only a broken output stream gets here; nothing left to print to.
      this.#app?.log.error({ err }, "command failed to write its result");
      return exitCodes.internal;
    });
  }

  async #autorun(app: App): Promise<void> {
    let code = await this.exec(this.#options.argv ?? process.argv.slice(2));
    try {
      await app.stop();
    } catch (err) {
      app.log.error({ err }, "stop failed after the command");
      if (code === 0) code = exitCodes.internal;
    }
    (this.#options.exit ?? ((c: number) => this.#defaultExit(c)))(code);
    this.#resolveDone(code);
  }

  #defaultExit(code: number): void {
    process.exitCode = code;
    const after = this.#options.forceExitAfter ?? 5_000;
    // Unref'd: it fires only if something else (an unclosed client) keeps the process alive.
    if (after > 0) setTimeout(() => process.exit(code), after).unref();
  }

  /** Everything up to the first await runs when exec() is called: a command is admitted before stop can begin. */
  async #exec(d: Dispatcher, argv: readonly string[], io: CliIo): Promise<number> {
    let line: CommandLine;
    try {
      line = parseCommandLine(argv, d.limits);
    } catch (err) {
      return this.#refuse(d, io, WegoError.from(err), {}, "", usageHint);
    }
    const inv: Invocation = { id: line.requestId };
    if (line.timeoutMs !== undefined) inv.deadline = Date.now() + line.timeoutMs;
    if (line.action === "help") {
      io.stdout.write(this.#help());
      return 0;
    }
    if (line.action === "list") {
      this.#list(io, line);
      return 0;
    }
    if (line.action === "none") {
      const err = cliError("WEGO_ERR_CLI_USAGE", "no command given: use run <route>, --cmd <route>, --list or --help");
      return this.#refuse(d, io, err, inv, "", usageHint, line);
    }
    const route = line.route as string;
    const entry = this.#table.get(route);
    if (entry === undefined) {
      const err = cliError(
        "WEGO_ERR_CLI_ROUTE_UNKNOWN",
        route,
        this.#table
          .entries()
          .map((e) => e.key)
          .join(", ") || "none",
      );
      return this.#refuse(d, io, err, inv, route, "--list shows every route.", line);
    }
    const answer = (resolve: (code: number) => void) => this.#answer(d, io, line, resolve);
    // Stopping: dispatch refuses it (unavailable, WEGO_ERR_APP_STOPPING) without reading any input.
    if (d.closed) return new Promise((resolve) => d.dispatch(entry, inv, answer(resolve)));
    // Admitted: a stop that begins while stdin is still arriving lets this command run.
    d.admit();
    inv.admitted = true;
    try {
      inv.request = await this.#input(line, io, d);
    } catch (err) {
      d.release();
      return this.#refuse(d, io, WegoError.from(err), inv, route, undefined, line);
    }
    // Input parsed by parseJson alone is checked; `--key value` pairs (JSON literals among them) are walked by dispatch.
    inv.checked = line.flags.length === 0;
    return new Promise((resolve) => d.dispatch(entry, inv, answer(resolve)));
  }

  /** The input: the line's, stdin's (explicit `-`, or piped when the line gave none), or `{}`. */
  async #input(line: CommandLine, io: CliIo, d: Dispatcher): Promise<unknown> {
    const piped = line.input === undefined && io.stdin !== null && (io.stdin !== process.stdin || stdinIsPiped());
    if (!line.stdin && !piped) return line.input ?? {};
    if (io.stdin === null) throw cliError("WEGO_ERR_CLI_USAGE", "input from stdin was asked for, but this command has no stdin");
    const text = (await readAll(io.stdin)).trim();
    return mergeFlags(text === "" ? undefined : parseJson(text, d.limits), line.flags) ?? {};
  }

  /** A failure before any handler ran: the message on stderr (for a human), the envelope on stdout (for a script). */
  #refuse(d: Dispatcher, io: CliIo, err: WegoError, inv: Invocation, route: string, hint?: string, line?: CommandLine): number {
    io.stderr.write(`${err.rawMessage}${hint === undefined ? "" : `\n${hint}`}\n`);
    let code = 0;
    d.refuse(
      route,
      inv,
      err,
      this.#answer(d, io, line, (c) => {
        code = c;
      }),
    );
    return code;
  }

  /** Print the envelope of an outcome on stdout and hand back its exit code. */
  #answer(d: Dispatcher, io: CliIo, line: CommandLine | undefined, exit: (code: number) => void): Answer {
    return (ctx, error, result) => {
      const pretty = line?.pretty ?? this.#options.pretty ?? io.stdout.isTTY === true;
      io.stdout.write(`${JSON.stringify(d.envelope(ctx, error, result), null, pretty ? 2 : undefined)}\n`);
      exit(error === undefined ? 0 : this.#codes.toWire(error));
    };
  }

  #list(io: CliIo, line: CommandLine): void {
    const routes = (this.#app as App).routes();
    const table = line.pretty ?? this.#options.pretty ?? io.stdout.isTTY === true;
    if (!table) {
      io.stdout.write(`${JSON.stringify(routes)}\n`);
      return;
    }
    const rows = [["SERVER", "ROUTE", "HANDLER"], ...routes.map((r) => [r.server, r.route, r.handler])];
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
    io.stdout.write(
      `${rows.map((r) => `${(r[0] as string).padEnd(widths[0] as number)}  ${(r[1] as string).padEnd(widths[1] as number)}  ${r[2]}`).join("\n")}\n`,
    );
  }

  #help(): string {
    const app = this.#app as App;
    const program = this.#options.program ?? app.name;
    const codes = Object.entries({ ...exitCodes, ...this.#options.exitCodes })
      .sort((a, b) => (a[1] as number) - (b[1] as number))
      .map(([c, n]) => `${n} ${c}`)
      .join(", ");
    return `Usage: ${program} --server command <command>

Runs one handler of ${app.name} and prints its result as a JSON envelope on stdout.

Commands:
  run <route> [json | -] [--key value ...]  run a route; input from a JSON argument, --key value
                                            pairs (dotted keys nest, JSON literals are parsed),
                                            stdin ("-", or a pipe), or {} by default
  --cmd <route> [--args <json | ->]         the same, in the original wego's form
  --list, list                              every route of the app (JSON unless on a terminal)
  --help, -h, help                          this text

Options:
  --request-id <id>     the invocation's request id (default: generated)
  --timeout <ms>        a deadline for the command: past it, it ends deadline_exceeded (exit ${this.#codes.toWire("deadline_exceeded")})
  --pretty, --compact   indent the JSON or not (default: indent on a terminal)

Command routes: ${
      this.#table
        .entries()
        .map((e) => e.key)
        .join(", ") || "none"
    }

Exit codes: 0 ok, ${codes}.
`;
  }
}
