import type { Code } from "@wego/core";
import { defineErrors } from "@wego/core/transport";

/**
 * Misuse errors of @wego/redis, each with a stable reason documented in
 * docs/errors.md (package column `redis`).
 */
export const redisCatalogue = {
  WEGO_ERR_REDIS_NOT_REGISTERED: {
    code: "failed_precondition",
    message: "no Redis client under %s: add redisProvider() to the app (or set the key on the context)",
  },
  WEGO_ERR_REDIS_CONNECT: { code: "unavailable", message: "cannot connect to Redis at %s: %s" },
  WEGO_ERR_REDIS_INVALID_OPTION: { code: "invalid_argument", message: "%s must be %s, got %s" },
  WEGO_ERR_REDIS_WORKER_IDS_EXHAUSTED: { code: "resource_exhausted", message: "all worker ids %s–%s are leased (prefix %s)" },
  WEGO_ERR_REDIS_WORKER_ID_LOST: { code: "aborted", message: "worker id %s lease was lost and is now held by another instance" },
} as const satisfies Record<string, { code: Code; message: string }>;

export type RedisReason = keyof typeof redisCatalogue;

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export const redisError = defineErrors(redisCatalogue);

/** Validate a positive integer option (ttl, window, limit…). */
export function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw redisError("WEGO_ERR_REDIS_INVALID_OPTION", name, "a positive integer", value);
  return value;
}
