import type { LogContext, LoggerNamespace, LoggerOptions, Logger as OrmLogger } from "@mikro-orm/mysql";
import type { Context, Logger } from "@wego/core";

/**
 * The key under which a request-scoped EntityManager carries its Context in
 * MikroORM's logger context, so SQL logs land in that invocation's `ctx.log`
 * (with its request id, route and transport).
 */
export const loggerContextKey = "wegoContext";

type DebugMode = boolean | readonly LoggerNamespace[];

/**
 * MikroORM's Logger on pino. Query logs (`debug`) go to pino's `debug`
 * level, slow queries (`slowQueryMs`) to `warn`, ORM warnings and errors
 * to theirs; each through the invocation's `ctx.log` when the query ran on a
 * request-scoped EntityManager, else through the app's logger.
 *
 * With `debug: true` the SQL carries its parameters inlined; with
 * `debug: ["query"]` it keeps the `?` placeholders (no values in the logs).
 * Slow-query logs always keep the placeholders unless `query-params` is on.
 */
export class OrmPinoLogger implements OrmLogger {
  readonly #log: Logger;
  #debug: DebugMode;

  constructor(log: Logger, options: Pick<LoggerOptions, "debugMode">) {
    this.#log = log;
    this.#debug = options.debugMode ?? false;
  }

  #target(context: LogContext | undefined): Logger {
    const ctx = context?.[loggerContextKey] as Context | undefined;
    return ctx?.log ?? this.#log;
  }

  log(namespace: string, message: string, context?: LogContext): void {
    if (!this.isEnabled(namespace as LoggerNamespace, context)) return;
    const level = context?.level === "error" ? "error" : context?.level === "warning" ? "warn" : "debug";
    this.#target(context)[level]({ ns: namespace }, message);
  }

  error(namespace: string, message: string, context?: LogContext): void {
    this.#target(context).error({ ns: namespace }, message);
  }

  warn(namespace: string, message: string, context?: LogContext): void {
    this.#target(context).warn({ ns: namespace }, message);
  }

  logQuery(context: LogContext): void {
    const namespace = context.namespace ?? "query";
    if (!this.isEnabled(namespace, context)) return;
    const fields = { sql: context.query, tookMs: context.took, results: context.results, affected: context.affected };
    const log = this.#target(context);
    if (namespace === "slow-query") log.warn(fields, "slow query (%d ms)", context.took ?? 0);
    else if (context.level === "error") log.debug(fields, "query failed");
    else log.debug(fields, "query");
  }

  setDebugMode(debugMode: boolean | LoggerNamespace[]): void {
    this.#debug = debugMode;
  }

  isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (context?.enabled !== undefined) return context.enabled;
    const mode = context?.debugMode ?? this.#debug;
    if (namespace === "deprecated") return true;
    return mode === true || (Array.isArray(mode) && mode.includes(namespace));
  }
}
