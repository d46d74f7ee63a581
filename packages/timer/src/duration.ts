/** A duration: milliseconds, or a string such as `"500ms"`, `"5s"`, `"1.5m"`, `"2h"`. */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h"}` | (string & {});

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const pattern = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;

/**
 * Milliseconds in `value`, or undefined when it is not a finite, non-negative
 * duration. A bare number (or numeric string) is milliseconds.
 */
export function parseDuration(value: Duration): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = pattern.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * (units[m[2] ?? "ms"] as number);
}
