import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Catalogue } from "../../packages/core/src/errors/catalogue.ts";

const docsFile = fileURLToPath(new URL("../../docs/errors.md", import.meta.url));

/**
 * The framework-error rows of docs/errors.md for one package, as
 * `reason → code`, whatever the table's padding. Each package's test
 * compares them with its catalogue (the Fastify pattern: docs can't drift).
 */
export function documentedReasons(pkg: string, markdown: string = readFileSync(docsFile, "utf8")): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of markdown.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const reason = /^`(WEGO_ERR_[A-Z_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (reason !== undefined && cells[2] === pkg) out[reason] = cells[3] ?? "";
  }
  return out;
}

/** A catalogue as `reason → code`, to compare with {@link documentedReasons}. */
export function catalogueCodes(table: Catalogue): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([reason, e]) => [reason, e.code]));
}
