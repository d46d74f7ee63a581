import { type App, type Config, type Endpoint, type Provider, type Router, WegoError } from "@wego/core";
import { type MysqlProvider, mysqlProvider } from "@wego/mysql";
import { redisProvider, resolveRedisOptions } from "@wego/redis";
import { User } from "../entities/user.js";
import { jwtSettings } from "./jwt-settings.js";
import { type Target, unreachable } from "./reachable.js";

/** Where the migrations live, and whether this process applies them at start. */
export interface MigrationSettings {
  /** The folder they are loaded from: the compiled `.js` files (`dist/migrations`). Config `exam.migrations.path`. */
  path: string;
  /** The source folder `migrate:create` writes a new `.ts` migration into (`src/migrations`). Config `exam.migrations.pathTs`. */
  pathTs: string;
  /** Load from `pathTs` instead (the app runs from its TypeScript sources). */
  preferTs: boolean;
  /**
   * Apply pending migrations at start: only when asked for (`exam.migrate=true`)
   * and never in command mode, where `migrate:up` / `migrate:down` decide.
   */
  auto: boolean;
}

/** The services the example can use when they are there. */
export type Backing = "redis" | "mysql";

const label: Record<Backing, string> = { redis: "Redis", mysql: "MySQL" };

interface Status {
  target: Target;
  /** Why it is off: unreachable at start, or switched off (`exam.redis=false`). */
  off: string | undefined;
  /** What runs without it, for the report. */
  affected: string[];
}

/**
 * The seed's `providers.BootStrap`: the app's infrastructure. At start-up it
 * looks for Redis and MySQL (config `redis.*`, `mysql.*`, defaults
 * 127.0.0.1:6379 and :3306, 1 s to answer) and wires what it finds: the shared
 * Redis connection (which also leases the snowflake worker id), and MySQL
 * through MikroORM, its migrations discovered from a folder (applied at boot
 * only when {@link MigrationSettings.auto} says so). What needs
 * a missing service is replaced by a stand-in that answers `unavailable`,
 * and the start logs one line per missing service saying what is off. The
 * rest of the app runs either way.
 */
export class BootStrap implements Provider {
  /** The MySQL provider when MySQL answered (handlers scope to it with `mysql.scope()`). */
  readonly mysql: MysqlProvider | undefined;
  readonly #status: Record<Backing, Status>;
  readonly #providers: Provider[] = [];
  readonly #migrations: MigrationSettings;

  private constructor(status: Record<Backing, Status>, config: Config, migrations: MigrationSettings) {
    this.#status = status;
    this.#migrations = migrations;
    if (this.up("redis")) this.#providers.push(redisProvider({ workerIdLease: true }));
    if (this.up("mysql")) {
      this.mysql = mysqlProvider({
        // `exam` unless mysql.database or the path of mysql.url names one.
        ...(mysqlDatabaseSet(config) ? {} : { database: "exam" }),
        entities: [User],
        // MikroORM's layout for a compiled app: load dist/migrations/*.js, write new ones to src/migrations/*.ts.
        migrations: { path: migrations.path, pathTs: migrations.pathTs, emit: "ts", snapshot: false },
        // The example makes its own database (`mysql.database`, default `exam`) on first run. `preferTs`
        // said outright, not guessed by MikroORM (which takes any process with VITEST set for TypeScript).
        orm: { ensureDatabase: true, preferTs: migrations.preferTs },
      });
      this.#providers.push(this.mysql);
    }
  }

  /** Look for Redis and MySQL once; the result holds for the life of the process. */
  static async detect(app: App, migrations: MigrationSettings): Promise<BootStrap> {
    const timeout = app.config.get("exam.probeTimeoutMs", 1000);
    const check = async (backing: Backing, target: Target): Promise<Status> => {
      const off = !app.config.get(`exam.${backing}`, true)
        ? `switched off (exam.${backing}=false)`
        : await unreachable(target, timeout).then((why) => (why === undefined ? undefined : `not reachable at start (${why})`));
      return { target, off, affected: [] };
    };
    const [redis, mysql] = await Promise.all([check("redis", redisTarget(app.config)), check("mysql", mysqlTarget(app.config))]);
    return new BootStrap({ redis, mysql }, app.config, migrations);
  }

  /** Whether `backing` answered at start. */
  up(backing: Backing): boolean {
    return this.#status[backing].off === undefined;
  }

  /** The handler `make()` builds when `backing` is up, else one that answers `unavailable` saying why. */
  endpoint(backing: Backing, name: string, make: () => Endpoint): Endpoint {
    return this.up(backing) ? make() : this.unavailable(backing, name);
  }

  /** A stand-in for handler `name`, which needs `backing`: it answers `unavailable`, saying why. */
  unavailable(backing: Backing, name: string): Endpoint {
    this.#status[backing].affected.push(`handler ${name}`);
    const err = this.#missing(backing, `handler "${name}"`, "unavailable");
    return () => Promise.reject(err);
  }

  /** The router `make()` builds when `backing` is up, else one that refuses to start, saying why. */
  router(backing: Backing, name: string, make: () => Router): Router {
    if (this.up(backing)) return make();
    this.#status[backing].affected.push(`router ${name}`);
    const err = this.#missing(backing, `the ${name} router`, "failed_precondition");
    return {
      start: () => Promise.reject(err),
      stop: () => {},
      routes: () => [],
    };
  }

  /** Routers that can't run for lack of their backing service (left out of the default `--server` list). */
  offRouters(): string[] {
    const out: string[] = [];
    for (const s of Object.values(this.#status))
      if (s.off !== undefined) for (const a of s.affected) if (a.startsWith("router ")) out.push(a.slice(7));
    return out;
  }

  #missing(backing: Backing, what: string, code: "unavailable" | "failed_precondition"): WegoError {
    const s = this.#status[backing];
    return new WegoError(code, `${what} needs ${label[backing]} at ${s.target.host}:${s.target.port}, ${s.off}`);
  }

  async register(app: App): Promise<void> {
    jwtSettings(app); // fail now on a bad jwt.* setting, not at the first call
    for (const p of this.#providers) await p.register?.(app);
  }

  async boot(app: App): Promise<void> {
    for (const [backing, s] of Object.entries(this.#status) as Array<[Backing, Status]>) {
      const where = `${s.target.host}:${s.target.port}`;
      if (s.off === undefined) app.log.info(`${label[backing]} at ${where}: on`);
      else app.log.warn({ off: s.affected }, `${label[backing]} at ${where} ${s.off}: running without it; off: ${s.affected.join(", ")}`);
    }
    for (const p of this.#providers) await p.boot?.(app);
    if (this.mysql !== undefined && this.#migrations.auto) {
      const applied = await this.mysql.orm.migrator.up();
      if (applied.length > 0) app.log.info({ applied: applied.map((m) => m.name) }, "migrations applied");
    }
  }

  async shutdown(app: App): Promise<void> {
    for (const p of [...this.#providers].reverse()) await p.shutdown?.(app);
  }
}

function redisTarget(config: Config): Target {
  const { url, options } = resolveRedisOptions(config);
  if (url !== undefined) {
    const u = new URL(url);
    return { host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) };
  }
  return { host: options.host ?? "127.0.0.1", port: options.port ?? 6379 };
}

function mysqlDatabaseSet(config: Config): boolean {
  const url = config.get("mysql.url", "");
  return config.has("mysql.database") || (url !== "" && new URL(url).pathname.length > 1);
}

function mysqlTarget(config: Config): Target {
  const url = config.get("mysql.url", "");
  const u = url ? new URL(url) : undefined;
  const host = config.get("mysql.host", "") || u?.hostname || "127.0.0.1";
  const port = config.has("mysql.port") ? config.get("mysql.port", 3306) : Number(u?.port || 3306);
  return { host, port };
}
