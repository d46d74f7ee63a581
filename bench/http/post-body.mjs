// The POST /echo body of the HTTP benchmarks (a 1,011-byte JSON object, as in
// perf-anchors.md) and the wrk script that sends it.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const echoBody = (() => {
  const o = { id: 12345, name: "wego bench", tags: ["a", "b", "c"], nested: { ok: true, n: 3.14 }, pad: "" };
  o.pad = "x".repeat(1011 - JSON.stringify(o).length);
  return JSON.stringify(o);
})();

/** Write the wrk Lua script that POSTs `echoBody` as JSON; returns its path. */
export function writePostScript(tag) {
  const file = join(tmpdir(), `wego-bench-http-${tag}-${process.pid}.lua`);
  writeFileSync(file, `wrk.method = "POST"\nwrk.body = '${echoBody}'\nwrk.headers["Content-Type"] = "application/json"\n`);
  return file;
}
