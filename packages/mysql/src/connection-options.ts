import type { Config } from "@wego/core";
import { mysqlFrameworkError } from "./mysql-errors.js";

/** Where to connect: a URL, separate fields, or both (fields override the URL's parts). */
export interface ConnectionFields {
  /** `mysql://user:password@host:port/database?…`; config `mysql.url` / `WEGO_MYSQL_URL`. */
  url?: string;
  /** Default 127.0.0.1; config `mysql.host`. */
  host?: string;
  /** Default 3306; config `mysql.port`. */
  port?: number;
  /** Default root; config `mysql.user`. */
  user?: string;
  /** Default empty; config `mysql.password` (prefer the env `WEGO_MYSQL_PASSWORD`). */
  password?: string;
  /** The database (schema) name; required. Config `mysql.database`. */
  database?: string;
}

/** The resolved target, with every part known. */
export interface ResolvedConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Config layers from weakest to strongest, to let a URL beat fields set in a weaker layer. */
const layerRank = { default: 0, file: 1, env: 2, flag: 3, remote: 4 } as const;

/**
 * Merge code options over config (`<prefix>.url`, `<prefix>.host`…): options
 * passed in code win, then config. Within config, the stronger layer wins
 * (a `WEGO_MYSQL_URL` beats a `mysql.database` in the defaults or file), and
 * within one layer a field wins over the URL. In code, a field wins over the URL.
 */
export function resolveConnection(options: ConnectionFields, config: Config, prefix = "mysql"): ResolvedConnection {
  const url = config.get(`${prefix}.url`, "");
  const urlRank = url ? layerRank[config.source(`${prefix}.url`) ?? "default"] : -1;
  const weaker: ConnectionFields = {};
  const stronger: ConnectionFields = {};
  const put = (key: keyof ConnectionFields, value: unknown): void => {
    const rank = layerRank[config.source(`${prefix}.${key}`) ?? "default"];
    (rank < urlRank ? weaker : stronger)[key] = value as never;
  };
  for (const key of ["host", "user", "password", "database"] as const) {
    const v = config.get(`${prefix}.${key}`, "");
    if (v) put(key, v);
  }
  if (config.has(`${prefix}.port`)) put("port", config.get(`${prefix}.port`, 3306));

  const layers = [weaker, parseUrl(url || undefined), stronger, parseUrl(options.url), stripUrl(options)];
  const merged: Partial<ResolvedConnection> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  if (!merged.database) {
    throw mysqlFrameworkError("WEGO_ERR_MYSQL_OPTIONS", `no database name (set \`database\`, a URL path, or ${prefix}.database)`);
  }
  return {
    host: merged.host ?? "127.0.0.1",
    port: merged.port ?? 3306,
    user: merged.user ?? "root",
    password: merged.password ?? "",
    database: merged.database,
  };
}

/** `127.0.0.1:3306 (database "shop", user "root")`: names the target in errors, never the password. */
export function describeConnection(c: ResolvedConnection): string {
  return `${c.host}:${c.port} (database "${c.database}", user "${c.user}")`;
}

function stripUrl(fields: ConnectionFields): Partial<ResolvedConnection> {
  const { url: _url, ...rest } = fields;
  return rest;
}

function parseUrl(url: string | undefined): Partial<ResolvedConnection> {
  if (!url) return {};
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw mysqlFrameworkError("WEGO_ERR_MYSQL_OPTIONS", "the URL is not valid (expected mysql://user:password@host:port/database)");
  }
  if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") {
    throw mysqlFrameworkError("WEGO_ERR_MYSQL_OPTIONS", `URL scheme "${u.protocol}" is not mysql: or mariadb:`);
  }
  const out: Partial<ResolvedConnection> = {};
  if (u.hostname) out.host = u.hostname.replace(/^\[|\]$/g, "");
  if (u.port) out.port = Number(u.port);
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (db) out.database = db;
  return out;
}
