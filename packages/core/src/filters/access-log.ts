import { appOf } from "../app-context.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";

export interface AccessLogOptions {
  /** pino level of the line. Default "info". */
  level?: "trace" | "debug" | "info" | "warn";
}

/**
 * One log line per invocation, when it ends: transport, route and request id
 * (from `ctx.log`'s bindings), handler, code (`ok` or the error's) and
 * `durationMs`. When the level is off, the filter costs a level check and
 * never builds the context's logger.
 *
 * @example
 * filters.chain(filters.accessLog(), filters.response(), endpoint)
 * // {"level":30,"reqId":"…","route":"/users/7","transport":"http","handler":"user.get","code":"ok","durationMs":1.234,"msg":"http /users/7 ok 1.234 ms"}
 */
export function accessLog(options: AccessLogOptions = {}): Filter {
  const level = options.level ?? "info";
  const write = (ctx: Context, code: string, start: number): void => {
    const durationMs = Math.round((performance.now() - start) * 1000) / 1000;
    ctx.log[level]({ handler: ctx.handler, code, durationMs }, `${ctx.transport} ${ctx.route} ${code} ${durationMs} ms`);
  };
  return (next) => {
    async function logged(ctx: Context): Promise<unknown> {
      const start = performance.now();
      let result: unknown;
      try {
        result = await next(ctx);
      } catch (err) {
        write(ctx, WegoError.from(err).code, start);
        throw err;
      }
      write(ctx, "ok", start);
      return result;
    }
    return function accessLogFilter(ctx) {
      const app = appOf(ctx);
      return app !== undefined && !app.log.isLevelEnabled(level) ? next(ctx) : logged(ctx);
    };
  };
}
