import { spawn } from "node:child_process";
import { join } from "node:path";

const here = import.meta.dirname;

/** What a process run by {@link runApp} did. */
export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr's pino lines, parsed. */
  logs: Array<Record<string, unknown>>;
}

/**
 * Run the TypeScript app `script` (default the fixture app) as a real process
 * on the workspace's sources (wego-sources.mjs) with `args`; `stdin` is text
 * to pipe, a file descriptor, or nothing (/dev/null).
 */
export function runApp(
  args: string[],
  options: { stdin?: string | number; env?: Record<string, string>; script?: string } = {},
): Promise<Result> {
  const stdin = options.stdin === undefined ? "ignore" : typeof options.stdin === "number" ? options.stdin : "pipe";
  const child = spawn(
    process.execPath,
    // Core's sources use a parameter property, which strip-only mode refuses: transform, don't just strip.
    [
      "--experimental-transform-types",
      "--disable-warning=ExperimentalWarning",
      "--import",
      join(here, "wego-sources.mjs"),
      options.script ?? join(here, "fixture-app.ts"),
      ...args,
    ],
    { cwd: here, env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", ...options.env }, stdio: [stdin, "pipe", "pipe"] },
  );
  if (typeof options.stdin === "string") child.stdin?.end(options.stdin);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d));
  child.stderr?.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`fixture app timed out; stderr: ${stderr}`));
    }, 15_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const logs = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, stdout, stderr, logs });
    });
  });
}
