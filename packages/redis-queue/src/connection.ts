import type { Config } from "@wego/core";
import type { ConnectionOptions } from "bullmq";

/** A Redis URL (`redis://…`, `rediss://…`), ioredis/BullMQ options, or a client instance. */
export type QueueConnection = string | ConnectionOptions;

/**
 * What BullMQ gets: the option as given, a URL wrapped as `{ url }`, or when
 * nothing was given, config `queue.url`, then `redis.url`, then
 * `redis.host`/`redis.port`, then 127.0.0.1:6379.
 */
export function resolveConnection(connection: QueueConnection | undefined, config?: Config): ConnectionOptions {
  if (typeof connection === "string") return { url: connection };
  if (connection !== undefined) return connection;
  const url = config?.get<string>("queue.url", "") || config?.get<string>("redis.url", "");
  if (url) return { url };
  return {
    host: config?.get<string>("redis.host", "127.0.0.1") ?? "127.0.0.1",
    port: config?.get<number>("redis.port", 6379) ?? 6379,
    ...(config?.has("redis.password") ? { password: config.get<string>("redis.password", "") } : {}),
    ...(config?.has("redis.db") ? { db: config.get<number>("redis.db", 0) } : {}),
  };
}
