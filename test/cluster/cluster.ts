// Starts the cluster app (./app.ts) as separate Node processes on loopback
// ports of their own, against the shared Redis and MariaDB, under a key
// prefix and a database that belong to one test file and are removed after.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, onTestFailed } from "vitest";
import { deletePrefix, eventually, sleep } from "../../packages/redis-queue/src/test-support.ts";

export { eventually, sleep };

const here = fileURLToPath(new URL("./", import.meta.url));
// Maps `@wego/<pkg>` to packages/<pkg>/src for a plain `node` process (the queue's crash test uses it too).
const sourceHooks = fileURLToPath(new URL("../../packages/redis-queue/src/testdata/source-hooks.mjs", import.meta.url));
const mysqlArgs = ["-h", "127.0.0.1", "-P", "3306", "-u", "root"];
const names = ["A", "B", "C", "D", "E"];

/** What an instance prints on stdout once `app.start()` resolved. */
export interface ReadyLine {
  ready: true;
  instance: string;
  pid: number;
  port: number;
  workerId: number;
}

/** One process of the cluster; `start()` again after it exited to restart it on the same port. */
export class Instance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  child: ChildProcess | undefined;
  info: ReadyLine | undefined;
  /** Exit codes and signals of the processes this instance ran, in order. */
  readonly exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = [];
  /** The last lines of stderr (warnings and errors of every incarnation), printed when a test fails. */
  readonly log: string[] = [];
  readonly #args: string[];

  constructor(name: string, port: number, args: string[]) {
    this.name = name;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.#args = args;
  }

  /** Spawn the process; resolves with its ready line (within `timeoutMs`). */
  start(timeoutMs = 45_000): Promise<ReadyLine> {
    if (this.running) throw new Error(`instance ${this.name} is still running`);
    const child = spawn(
      process.execPath,
      [
        "--experimental-transform-types",
        "--no-warnings",
        "--import",
        sourceHooks,
        `${here}app.ts`,
        ...this.#args,
        "--cluster.instance",
        this.name,
        "--http.port",
        String(this.port),
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production" } },
    );
    this.child = child;
    this.info = undefined;
    child.once("exit", (code, signal) => this.exits.push({ code, signal }));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line) this.log.push(line);
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
    });
    return new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`instance ${this.name} not ready within ${timeoutMs} ms`)), timeoutMs);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`instance ${this.name} exited during start (${code ?? signal}): ${this.log.slice(-5).join(" | ")}`));
      });
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (chunk: string) => {
        out += chunk;
        const line = out.split("\n").find((l) => l.startsWith('{"ready":true'));
        if (line === undefined || this.info !== undefined) return;
        clearTimeout(timer);
        this.info = JSON.parse(line) as ReadyLine;
        resolve(this.info);
      });
    });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Send `signal` and wait for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child === undefined) throw new Error(`instance ${this.name} never started`);
    if (this.running) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return { code: child.exitCode, signal: child.signalCode };
  }

  /** GET /ready: true on 200, false on 503 or no answer. */
  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }
}

export interface ClusterOptions {
  /** Names the run's Redis prefix and database. */
  area: string;
  /** Routers every instance starts (`--server`); http is always among them. */
  servers: readonly string[];
  size?: number;
  /** Extra config flags for every instance (`{ "cluster.limit": "50" }`). */
  config?: Readonly<Record<string, string>>;
}

export interface Cluster {
  readonly instances: Instance[];
  /** Redis key prefix of this run: every key the instances write starts with it. */
  readonly prefix: string;
  readonly queue: string;
  readonly database: string;
  /** Rows of a query on the run's database (tab-separated columns, as strings). */
  sql(query: string): string[][];
}

/**
 * Declare a cluster for the tests of one file: started in `beforeAll`
 * (instances in parallel), stopped and cleaned up in `afterAll`, its
 * instances' stderr printed when a test fails.
 */
export function useCluster(options: ClusterOptions): () => Cluster {
  const id = randomBytes(4).toString("hex");
  const prefix = `wego-test-cluster-${options.area}-${id}`;
  const database = `wego_cluster_${options.area.replace(/\W/g, "_")}_${id}`;
  const queue = "jobs";
  let cluster: Cluster | undefined;

  const sql = (query: string): string[][] =>
    execFileSync("mariadb", [...mysqlArgs, "-N", "-B", database, "-e", query], { encoding: "utf8", timeout: 20_000 })
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split("\t"));

  beforeAll(async () => {
    execFileSync("mariadb", [...mysqlArgs, "-e", `CREATE DATABASE ${database}`], { timeout: 20_000 });
    sql(`CREATE TABLE cron_runs (id BIGINT AUTO_INCREMENT PRIMARY KEY, tick BIGINT NOT NULL, instance VARCHAR(8) NOT NULL,
           pid INT NOT NULL, KEY (tick));
         CREATE TABLE job_runs (id BIGINT AUTO_INCREMENT PRIMARY KEY, job INT NOT NULL, instance VARCHAR(8) NOT NULL,
           pid INT NOT NULL, attempt INT NOT NULL, finished TINYINT NOT NULL DEFAULT 0,
           started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY (job));`);
    const ports = await freePorts(options.size ?? 3);
    const servers = new Set(["http", ...options.servers]);
    const args = [
      "--server",
      [...servers].join(","),
      "--cluster.prefix",
      prefix,
      "--cluster.queue",
      queue,
      "--mysql.url",
      `mysql://root@127.0.0.1:3306/${database}`,
      ...Object.entries(options.config ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const instances = ports.map((port, i) => new Instance(names[i] ?? `I${i}`, port, args));
    cluster = { instances, prefix, queue, database, sql };
    await Promise.all(instances.map((inst) => inst.start()));
  });

  afterAll(async () => {
    if (cluster) await Promise.all(cluster.instances.map((i) => (i.child ? i.stop("SIGKILL") : undefined)));
    await deletePrefix(prefix);
    execFileSync("mariadb", [...mysqlArgs, "-e", `DROP DATABASE IF EXISTS ${database}`], { timeout: 20_000 });
  });

  return () => {
    if (cluster === undefined) throw new Error("the cluster did not start");
    const c = cluster;
    onTestFailed(() => {
      for (const inst of c.instances) {
        if (inst.log.length > 0)
          process.stderr.write(`--- instance ${inst.name} stderr (last lines) ---\n${inst.log.slice(-40).join("\n")}\n`);
      }
    });
    return c;
  };
}

/** Free loopback ports (bound, then released for the instance to take). */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve, reject) => {
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve((s.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
