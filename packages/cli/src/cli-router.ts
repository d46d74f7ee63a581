import { fstatSync } from "node:fs";
import {
  type App,
  type Code,
  type Endpoint,
  frameworkError,
  type RouteInfo,
  type Router,
  type StopOptions,
  targetName,
  WegoError,
} from "@wego/core";
import { cliError } from "./cli-errors.js";
import { exitCodeOf, exitCodes } from "./code-map.js";
import { type CommandLine, mergeFlags, parseCommandLine, parseJsonInput } from "./command-line.js";

/** Where a command reads and writes. */
export interface CliIo {
  /** The input stream; `null` never reads one. Default `process.stdin`. */
  stdin: NodeJS.ReadableStream | null;
  /** Results (the envelope), `--list`, `--help`. Default `process.stdout`. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Usage errors. Default `process.stderr`. (The app's own logs go where its logger writes.) */
  stderr: { write(text: string): unknown };
}

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

export interface CliRouter extends Router {
  /** Expose `target` (a handler name or endpoint) as the command route `name` (`"exam.one"`). */
  route(name: string, target: string | Endpoint): this;
  /**
   * Run one command line against the started app: print the envelope (or the
   * listing, or help) and resolve the exit code. Rejects only before start.
   * Does not stop the app.
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

interface Entry {
  target: string | Endpoint;
  handler: string;
  endpoint: Endpoint | undefined;
}

class CliRouterImpl implements CliRouter {
  readonly #options: CliRouterOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #running = new Set<Promise<number>>();
  #app: App | undefined;
  #accepting = false;
  #pending: NodeJS.Immediate | undefined;
  #resolveDone!: (code: number) => void;
  readonly done: Promise<number>;

  constructor(options: CliRouterOptions) {
    this.#options = options;
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  route(name: string, target: string | Endpoint): this {
    if (this.#entries.has(name)) throw cliError("WEGO_ERR_CLI_ROUTE_DUPLICATE", `command route "${name}" is registered twice`);
    this.#entries.set(name, { target, handler: typeof target === "string" ? target : "", endpoint: undefined });
    return this;
  }

  routes(): RouteInfo[] {
    return [...this.#entries].map(([route, e]) => ({ route, handler: e.handler || targetName(e.target) }));
  }

  start(app: App): void {
    for (const [name, e] of this.#entries) {
      const resolved = app.resolve(e.target, name);
      e.handler = resolved.name;
      e.endpoint = resolved.endpoint;
    }
    this.#app = app;
    this.#accepting = true;
    if (this.#options.autorun === false) return;
    // After start returns: the app finishes starting, then the command runs and stops it.
    this.#pending = setImmediate(() => {
      this.#pending = undefined;
      void this.#autorun(app);
    });
  }

  async stop({ signal }: StopOptions): Promise<void> {
    this.#accepting = false;
    if (this.#pending !== undefined) {
      // Stopped before the command began (another router failed to start): run nothing.
      clearImmediate(this.#pending);
      this.#pending = undefined;
      this.#resolveDone(exitCodes.unavailable);
    }
    if (this.#running.size === 0) return;
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      void Promise.all(this.#running).then(() => resolve());
    });
  }

  exec(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
    if (this.#app === undefined)
      return Promise.reject(frameworkError("WEGO_ERR_APP_STATE", "not started", "exec() needs a started router"));
    const full: CliIo = {
      stdin: io.stdin !== undefined ? io.stdin : this.#options.stdin !== undefined ? this.#options.stdin : process.stdin,
      stdout: io.stdout ?? this.#options.stdout ?? process.stdout,
      stderr: io.stderr ?? this.#options.stderr ?? process.stderr,
    };
    const run = this.#exec(argv, full).catch((err: unknown) => {
      // Only a broken output stream gets here; nothing left to print to.
      this.#app?.log.error({ err }, "command failed to write its result");
      return exitCodes.internal;
    });
    this.#running.add(run);
    return run.finally(() => this.#running.delete(run));
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

  async #exec(argv: readonly string[], io: CliIo): Promise<number> {
    const app = this.#app as App;
    let line: CommandLine;
    try {
      line = parseCommandLine(argv);
    } catch (err) {
      return this.#fail(app, io, WegoError.from(err), undefined, undefined, usageHint);
    }
    if (line.action === "help") {
      io.stdout.write(this.#help(app));
      return 0;
    }
    if (line.action === "list") {
      this.#list(app, io, line);
      return 0;
    }
    if (line.action === "none") {
      const err = cliError("WEGO_ERR_CLI_USAGE", "no command given: use run <route>, --cmd <route>, --list or --help");
      return this.#fail(app, io, err, line, undefined, usageHint);
    }
    const route = line.route as string;
    const entry = this.#entries.get(route);
    if (entry === undefined) {
      const known = [...this.#entries.keys()].join(", ") || "none";
      const err = cliError("WEGO_ERR_CLI_ROUTE_UNKNOWN", `no command route "${route}" (known: ${known})`);
      return this.#fail(app, io, err, line, route, "--list shows every route.");
    }
    if (!this.#accepting) return this.#fail(app, io, frameworkError("WEGO_ERR_APP_STOPPING"), line, route);
    let input: unknown;
    try {
      input = await this.#input(line, io);
    } catch (err) {
      return this.#fail(app, io, WegoError.from(err), line, route);
    }
    const ctx = app.context({
      transport: "cli",
      route,
      handler: entry.handler,
      request: input,
      ...(line.requestId === undefined ? {} : { id: line.requestId }),
    });
    let body: unknown;
    let code: number;
    try {
      body = app.envelope.ok(await app.run(entry.endpoint as Endpoint, ctx), ctx);
      code = 0;
    } catch (err) {
      const e = WegoError.from(err);
      // The envelope may hide this in production; the log (on stderr) keeps the cause.
      if (!e.exposable) ctx.log.error({ err }, "command failed");
      body = app.envelope.error(e, ctx, !app.production);
      code = exitCodeOf(e.code, this.#options.exitCodes);
    }
    this.#print(io, line, body);
    return code;
  }

  /** The input: the line's, stdin's (explicit `-`, or piped when the line gave none), or `{}`. */
  async #input(line: CommandLine, io: CliIo): Promise<unknown> {
    const piped = line.input === undefined && io.stdin !== null && (io.stdin !== process.stdin || stdinIsPiped());
    if (!line.stdin && !piped) return line.input ?? {};
    if (io.stdin === null) throw cliError("WEGO_ERR_CLI_USAGE", "input from stdin was asked for, but this command has no stdin");
    const text = (await readAll(io.stdin)).trim();
    return mergeFlags(text === "" ? undefined : parseJsonInput(text, "stdin"), line.flags) ?? {};
  }

  /** A failure before the handler ran: the message on stderr (for a human), the envelope on stdout (for a script). */
  #fail(app: App, io: CliIo, err: WegoError, line: CommandLine | undefined, route: string | undefined, hint?: string): number {
    io.stderr.write(`${err.rawMessage}${hint === undefined ? "" : `\n${hint}`}\n`);
    const ctx = app.context({ transport: "cli", route: route ?? "", ...(line?.requestId === undefined ? {} : { id: line.requestId }) });
    this.#print(io, line, app.envelope.error(err, ctx, !app.production));
    ctx.dispose();
    return exitCodeOf(err.code, this.#options.exitCodes);
  }

  #print(io: CliIo, line: CommandLine | undefined, body: unknown): void {
    const pretty = line?.pretty ?? this.#options.pretty ?? io.stdout.isTTY === true;
    io.stdout.write(`${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`);
  }

  #list(app: App, io: CliIo, line: CommandLine): void {
    const routes = app.routes();
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

  #help(app: App): string {
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
  --pretty, --compact   indent the JSON or not (default: indent on a terminal)

Command routes: ${[...this.#entries.keys()].join(", ") || "none"}

Exit codes: 0 ok, ${codes}.
`;
  }
}
