// A cron route at every second, served by three instances that share a Redis
// lock: each tick runs on exactly one of them.
import { describe, expect, it } from "vitest";
import { sleep, useCluster } from "./cluster.ts";

const cluster = useCluster({ area: "cron", servers: ["cron"] });
const SECONDS = 20;

describe("cron across three instances", () => {
  it(`runs every tick of ${SECONDS} s exactly once`, { timeout: 60_000 }, async () => {
    const { sql, instances } = cluster();
    // The first whole second after all three are up, so all of them compete for every tick counted.
    const first = Math.floor(Date.now() / 1000) + 2;
    const last = first + SECONDS - 1;
    await sleep((last + 1) * 1000 - Date.now() + 1500); // the last tick's insert lands
    for (const inst of instances) expect(inst.running, `instance ${inst.name} still up`).toBe(true);

    const rows = sql(
      `SELECT tick, COUNT(*), GROUP_CONCAT(instance) FROM cron_runs WHERE tick BETWEEN ${first} AND ${last} GROUP BY tick ORDER BY tick`,
    );
    const perTick = new Map(rows.map(([tick, runs, who]) => [Number(tick), { runs: Number(runs), who }]));
    const missing = [];
    const twice = [];
    for (let t = first; t <= last; t++) {
      const r = perTick.get(t);
      if (r === undefined) missing.push(t);
      else if (r.runs !== 1) twice.push(`${t}: ${r.who}`);
    }
    expect(missing, "ticks nobody ran").toEqual([]);
    expect(twice, "ticks run more than once").toEqual([]);
    const byInstance = sql(`SELECT instance, COUNT(*) FROM cron_runs WHERE tick BETWEEN ${first} AND ${last} GROUP BY instance`);
    console.info(`cron: ${SECONDS} ticks, each run once; runs per instance ${JSON.stringify(Object.fromEntries(byInstance))}`);
  });
});
