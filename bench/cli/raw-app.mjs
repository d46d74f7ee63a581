// The competitor: a bare node script that reads `run <route> --k v` with
// util.parseArgs, "runs" it and prints a JSON envelope — what a hand-written
// one-shot command costs at the least.
import { parseArgs } from "node:util";

const { positionals, values } = parseArgs({ args: process.argv.slice(2), strict: false, allowPositionals: true });
const route = positionals[positionals.indexOf("run") + 1];
const input = Object.fromEntries(Object.entries(values).filter(([k]) => k !== "server"));
process.stdout.write(`${JSON.stringify({ code: "ok", message: "ok", data: { route, input }, requestId: "x" })}\n`);
