import { createRequire } from "node:module";

const requireHere = createRequire(import.meta.url);

/**
 * Load an optional heavy dependency (prom-client, jose, the OpenTelemetry
 * API) on first use rather than at import: a one-shot CLI command that never
 * scrapes metrics or verifies a token doesn't pay ~90 ms to load them.
 * `require` of an ES module is synchronous on Node ≥ 22.12.
 */
export function lazyRequire<T>(id: string): T {
  return requireHere(id) as T;
}
