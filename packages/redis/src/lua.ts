import type { Redis } from "ioredis";

/** A Lua script bound to a client: `(keys…, args…)` in `numberOfKeys` + rest order. */
export type BoundScript = (...keysAndArgs: Array<string | number>) => Promise<unknown>;

/**
 * Define `lua` on `client` under `name` (once per client) and return it bound.
 * ioredis then runs it with EVALSHA, falls back to EVAL on NOSCRIPT (after a
 * Redis restart), and applies the client's keyPrefix to KEYS.
 */
export function bindScript(client: Redis, name: string, numberOfKeys: number, lua: string): BoundScript {
  const commands = client as unknown as Record<string, BoundScript | undefined>;
  if (typeof commands[name] !== "function") client.defineCommand(name, { numberOfKeys, lua });
  const fn = commands[name] as BoundScript;
  return (...keysAndArgs) => fn.apply(client, keysAndArgs);
}
