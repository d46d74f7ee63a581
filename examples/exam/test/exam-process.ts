// Test support: the built example (dist/main.js) as a child process, with its
// JSON log lines collected so tests can wait for what it reports.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const mainJs = join(import.meta.dirname, "..", "dist", "main.js");

/** One pino line of the app's output. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a one-shot command (`--server command …`) printed and how it exited. */
export interface CommandResult extends Exit {
  stdout: string;
  stderr: string;
}

/** The environment of a child: this one's, minus what would change the app's behaviour. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("WEGO_") && k !== "NODE_ENV" && k !== "LOG_LEVEL") env[k] = v;
  return { ...env, LOG_LEVEL: "info", ...extra };
}

export class ExamProcess {
  readonly lines: LogLine[] = [];
  /** Output that is not a JSON log line (a crash's stack, say). */
  readonly other: string[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.#child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        this.#take(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
      for (const wake of this.#waiters) wake();
    };
    this.#child.stdout?.on("data", onData);
    this.#child.stderr?.on("data", (chunk: Buffer) => this.other.push(chunk.toString("utf8")));
    this.exited = new Promise((resolve) => {
      this.#child.once("exit", (code, signal) => {
        for (const wake of this.#waiters) wake();
        resolve({ code, signal });
      });
    });
  }

  #take(text: string): void {
    if (text.trim() === "") return;
    try {
      this.lines.push(JSON.parse(text) as LogLine);
    } catch {
      this.other.push(text);
    }
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves the first line matching `match` (already seen or still to come); rejects after `timeoutMs` or on exit. */
  waitFor(what: string, match: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(match);
        if (found !== undefined) finish(() => resolve(found));
        else if (!this.running) finish(() => reject(new Error(`exited before logging ${what}\n${this.tail()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms\n${this.tail()}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** The last lines of output, for failure messages. */
  tail(n = 30): string {
    return [...this.lines.slice(-n).map((l) => JSON.stringify(l)), ...this.other.slice(-5)].join("\n");
  }

  kill(signal: NodeJS.Signals): boolean {
    return this.#child.kill(signal);
  }
}

/** Start the example and wait for its "exam listening" line, which carries the addresses. */
export async function startExam(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ exam: ExamProcess; listening: LogLine }> {
  const exam = new ExamProcess(args, env);
  try {
    const listening = await exam.waitFor("the listening line", (l) => l.msg === "exam listening", 30_000);
    return { exam, listening };
  } catch (err) {
    exam.kill("SIGKILL");
    throw err;
  }
}

/** Run the example once as a command (`--server command …`), as a shell would. */
export function runCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return runToExit(["--server", "command", ...args], env);
}

/** Run the example with `args` and wait for it to exit. */
export function runToExit(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
