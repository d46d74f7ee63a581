#!/usr/bin/env node
/**
 * create-wego: `npm create wego@latest <dir> [-- --transports http,grpc,…]`.
 * Without `--transports` it asks (on a terminal) or takes `http`.
 */
import { createRequire } from "node:module";
import { stdin, stdout } from "node:process";
import { createInterface } from "node:readline/promises";
import { scaffold } from "./scaffold.js";
import { type Transport, transports } from "./templates.js";

const usage = `Usage: npm create wego@latest <dir> -- [--transports ${transports.join(",")}] [--yes]

  --transports  the transports serving the app's handler (comma-separated; default http)
  --yes, -y     no questions: the defaults for anything not given
`;

function parseTransports(list: string): Transport[] {
  const picked = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = picked.filter((t) => !(transports as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`unknown transport ${unknown.join(", ")} (choose from ${transports.join(", ")})`);
  return [...new Set(picked)] as Transport[];
}

async function main(argv: string[]): Promise<void> {
  let dir: string | undefined;
  let list: string | undefined;
  let yes = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--help" || a === "-h") return void stdout.write(usage);
    if (a === "--yes" || a === "-y") yes = true;
    else if (a === "--transports" || a === "-t") list = argv[++i];
    else if (a.startsWith("--transports=")) list = a.slice("--transports=".length);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n\n${usage}`);
    else dir ??= a;
  }
  const ask = !yes && stdin.isTTY === true;
  const rl = ask ? createInterface({ input: stdin, output: stdout }) : undefined;
  try {
    if (dir === undefined) dir = rl ? (await rl.question("Project folder: (my-wego-app) ")).trim() || "my-wego-app" : "my-wego-app";
    if (list === undefined) list = rl ? (await rl.question(`Transports (${transports.join(",")}): (http) `)).trim() || "http" : "http";
  } finally {
    rl?.close();
  }
  const picked = parseTransports(list);
  if (picked.length === 0) throw new Error("choose at least one transport");
  const version = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  const { root, files } = await scaffold(dir, picked, `^${version}`);
  stdout.write(
    `Created ${root} (${picked.join(", ")}): ${files.join(", ")}\n\nNext:\n  cd ${dir}\n  npm install\n  npm test\n  npm start\n`,
  );
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`create-wego: ${err.message}\n`);
  process.exitCode = 1;
});
