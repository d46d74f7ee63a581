import { Redis } from "ioredis";

/** Delete every key under `prefix` (one bench run's queue), in batches of 1,000. */
export async function cleanup(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== "0");
  await r.quit();
}
