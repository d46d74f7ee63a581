import { frameworkError } from "../errors/catalogue.js";
import type { WegoError } from "../errors/wego-error.js";

/** Limits every transport applies to decoded input before a handler sees it. */
export interface InputLimits {
  /** Deepest nesting of arrays and objects accepted (config `input.maxDepth`, default 64). */
  maxDepth: number;
  /** Largest JSON text `parseJson` accepts, in bytes (config `input.maxBytes`, default 1 MiB). */
  maxBytes: number;
}

/** The documented defaults (docs/errors.md, "Input limits"). */
export const defaultInputLimits: Readonly<InputLimits> = Object.freeze({ maxDepth: 64, maxBytes: 1024 * 1024 });

const FORBIDDEN = ["__proto__", "constructor", "prototype"] as const;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Check decoded input: no nesting deeper than `maxDepth` (a 10,000-deep array
 * would overflow the stack of whoever walks it next, the JSON encoder of an
 * echo included) and no own key `__proto__`, `constructor` or `prototype`
 * anywhere (prototype pollution in code that merges it). Iterative, so the
 * check itself cannot overflow. Returns the `invalid_argument` error, or
 * undefined when the input is clean. Binary views, dates, maps and sets are
 * leaves.
 */
export function inspectInput(value: unknown, maxDepth: number = defaultInputLimits.maxDepth): WegoError | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return frameworkError("WEGO_ERR_INPUT_TOO_DEEP", maxDepth);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const el = v[i];
        if (el !== null && typeof el === "object") {
          stack.push(el);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof Map || v instanceof Set || v instanceof ArrayBuffer) continue;
    for (const key of FORBIDDEN) if (hasOwn.call(v, key)) return frameworkError("WEGO_ERR_INPUT_KEY", key);
    for (const key in v) {
      const el = (v as Record<string, unknown>)[key];
      if (el !== null && typeof el === "object") {
        stack.push(el);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

/** Open brackets in `text` (strings included): an upper bound of its nesting depth. */
function bracketBound(text: string, stop: number): number {
  let n = 0;
  for (let i = text.indexOf("[", 0); i !== -1 && n <= stop; i = text.indexOf("[", i + 1)) n++;
  for (let i = text.indexOf("{", 0); i !== -1 && n <= stop; i = text.indexOf("{", i + 1)) n++;
  return n;
}

/**
 * Parse JSON text from a caller, with the input limits applied: too large →
 * `WEGO_ERR_INPUT_TOO_LARGE`, not JSON → `WEGO_ERR_INPUT_NOT_JSON`, too deep
 * or a forbidden key → as {@link inspectInput}; all `invalid_argument`. The
 * text is only walked when a cheap scan says it may break a rule: most bodies have few brackets, none of the
 * forbidden words and no `\u` escape, and then cost one `JSON.parse`.
 */
export function parseJson(text: string | Buffer, limits: InputLimits = defaultInputLimits): unknown {
  const bytes = typeof text === "string" ? (text.length * 3 > limits.maxBytes ? Buffer.byteLength(text) : text.length) : text.length;
  if (bytes > limits.maxBytes) throw frameworkError("WEGO_ERR_INPUT_TOO_LARGE", limits.maxBytes);
  const s = typeof text === "string" ? text : text.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch (err) {
    throw frameworkError("WEGO_ERR_INPUT_NOT_JSON", (err as Error).message);
  }
  if (value === null || typeof value !== "object") return value;
  // A \u escape can spell any of the three words (`"\u005f_proto__"` parses to the key `__proto__`);
  // "proto" finds both `__proto__` and `prototype`. Nesting N deep takes 2N
  // characters, so a short text (most frames and bodies) skips the bracket count.
  const suspicious = s.includes("proto") || s.includes("constructor") || s.includes("\\u");
  if (suspicious || (s.length > 2 * limits.maxDepth && bracketBound(s, limits.maxDepth) > limits.maxDepth)) {
    const bad = inspectInput(value, limits.maxDepth);
    if (bad !== undefined) throw bad;
  }
  return value;
}
