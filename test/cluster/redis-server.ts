// Stops and restarts the shared Redis on 127.0.0.1:6379, as
// packages/redis-queue/src/redis-restart.int.test.ts does: SHUTDOWN SAVE, then
// redis-server with the same dir, dump file, log and pid file, so every
// suite's keys (this run's queue among them) survive, as on a Redis with
// persistence. Keep the outage short: the Redis is shared.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "./cluster.ts";

const cli = (...args: string[]) =>
  execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", ...args], {
    encoding: "utf8",
    timeout: 10_000,
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();

export function redisPings(): boolean {
  try {
    return cli("ping") === "PONG";
  } catch {
    return false;
  }
}

/** Shut Redis down (saving its data set); call `start()` on the result to bring it back with that data. */
export function shutdownRedis(): { start(): Promise<void> } {
  const setting = (name: string) => cli("config", "get", name).split("\n")[1] ?? "";
  const dir = setting("dir");
  const dbfilename = setting("dbfilename");
  const logfile = setting("logfile");
  const pidfile = setting("pidfile");
  cli("shutdown", "save");
  if (redisPings()) throw new Error("redis did not shut down (could it save to its dir?)");
  return {
    async start() {
      // As the shared Redis is run (no persistence of its own), with the files it had before.
      const flags = { daemonize: "yes", bind: "127.0.0.1", port: "6379", save: "", appendonly: "no", dir, dbfilename, logfile, pidfile };
      const args = Object.entries(flags).filter(([name, value]) => value !== "" || name === "save");
      execFileSync(
        "redis-server",
        args.flatMap(([name, value]) => [`--${name}`, value]),
      );
      const until = Date.now() + 10_000;
      while (!redisPings()) {
        if (Date.now() > until) throw new Error("redis did not come back within 10 s");
        await sleep(20);
      }
      // Loaded: remove the dump, so a later restart can't bring back stale data.
      rmSync(join(dir, dbfilename), { force: true });
    },
  };
}
