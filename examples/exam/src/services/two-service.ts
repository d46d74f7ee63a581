import type { Context, Next } from "@wego/core";
import { appFor } from "./app-for.js";

/** The seed's TwoService: answers with a fresh snowflake id (the seed's `wego.ID()`). */
export class TwoService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const id = appFor(ctx).id();
    ctx.response("two", { from: "TwoService", transport: ctx.transport, id });
    ctx.log.info({ id }, "two");
    await next();
  }
}
