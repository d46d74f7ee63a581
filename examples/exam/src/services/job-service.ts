import { setTimeout as sleep } from "node:timers/promises";
import { type Context, type Next, WegoError } from "@wego/core";
import { appFor } from "./app-for.js";

/** Longest a demo job may take, so a typo can't park a worker. */
const maxMs = 30_000;

/**
 * A queue job (route `exam.job`): works for `ms` milliseconds (default 0),
 * then answers with a snowflake id. The wait honours `ctx.signal`, so a
 * job still running at the shutdown deadline is aborted and goes back to
 * the queue instead of being lost.
 */
export class JobService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const { ms = 0 } = (ctx.request ?? {}) as { ms?: unknown };
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > maxMs) {
      throw new WegoError("invalid_argument", `ms must be an integer from 0 to ${maxMs}`, { details: [{ field: "ms" }] });
    }
    const started = Date.now();
    if (ms > 0) await sleep(ms, undefined, { signal: ctx.signal });
    const result = { id: appFor(ctx).id(), jobId: ctx.meta.jobId, attempt: ctx.meta.attempt, tookMs: Date.now() - started };
    ctx.log.info(result, "job done");
    ctx.response("job", result);
    await next();
  }
}
