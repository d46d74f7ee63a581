import type { Context, Next } from "@wego/core";
import { appFor } from "./app-for.js";

/** What the seed's README caches: `wego.Cache("aaaaa", v, 60)` with v = {aaa: bbb, ccc: ddd}. */
const cacheKey = "aaaaa";

/**
 * The seed's OneService: writes its part of the response, then hands on to
 * the next service (TwoService in the `one` chain). It also shows the cache:
 * the first call stores the seed's map for 60 s, later calls read it back.
 */
export class OneService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const cache = appFor(ctx).cache;
    let value = await cache.get<Record<string, string>>(cacheKey);
    const hit = value !== undefined;
    if (value === undefined) {
      value = { aaa: "bbb", ccc: "ddd" };
      await cache.set(cacheKey, value, 60);
    }
    ctx.response("one", { from: "OneService", request: ctx.request, cache: { key: cacheKey, hit, value } });
    await next();
    // Code after `await next()` sees what later services produced (go-chassis's point).
    ctx.log.info({ keys: Object.keys(ctx.result as object) }, "one: chain finished");
  }
}
