import type { Context, Next } from "@wego/core";
import { redis } from "@wego/redis";

/**
 * The seed's RedisService: SET / GET / EXISTS through the app's shared
 * connection. The seed borrowed a pooled connection and had to Close it;
 * `redis(ctx)` is one multiplexed ioredis client that the app closes on stop.
 */
export class RedisService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const client = redis(ctx);
    await client.set("go_key", "value");
    const res = await client.get("go_key");
    const exists = (await client.exists("foo")) === 1;
    if (exists) {
      ctx.log.info("foo exists");
    } else {
      await client.set("foo", "value");
      ctx.log.info("foo does not exist");
    }
    ctx.log.info({ go_key: res }, "redis go_key value");
    ctx.response("redis", { go_key: res, fooExisted: exists });
    await next();
  }
}
