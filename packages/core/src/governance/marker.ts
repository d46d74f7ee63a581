import type { Context } from "../context.js";

/**
 * One condition on a string (or number) taken from an invocation. A bare
 * string means `exact`; several operators in one object must all hold.
 */
export interface MatchCondition {
  exact?: string;
  prefix?: string;
  contains?: string;
  /** A JavaScript regular expression, tested against the whole value (anchor it yourself). */
  regex?: string;
  /** Numeric comparisons: the value is read as a number (a non-number never matches). */
  eq?: number;
  ne?: number;
  lt?: number;
  le?: number;
  gt?: number;
  ge?: number;
}

/**
 * A traffic marker: what an invocation must be for its policies to apply.
 * Every field given must match (AND); a marker with no field matches all.
 */
export interface MarkerSpec {
  /** The handler's registered name (`ctx.handler`). */
  handler?: string | MatchCondition;
  /** The transport (`http`, `grpc`, `ws`, `queue`, `cron`, `timer`, `cli`, `memory`). */
  transport?: string | MatchCondition;
  /** The route as the transport names it (`POST /orders`, a gRPC route, a job name…). */
  route?: string | MatchCondition;
  /** The method: `ctx.meta.method`, else the first word of an HTTP-style route (`POST /x`). */
  method?: string | MatchCondition;
  /**
   * Headers / metadata (`ctx.meta`), by lower-case name. `x-request-id` is
   * the request id on every transport, however it travelled.
   */
  headers?: Record<string, string | MatchCondition>;
}

type Test = (value: unknown) => boolean;
type Read = (ctx: Context) => unknown;

const STRING_OPS = ["exact", "prefix", "contains", "regex"] as const;
const NUMBER_OPS = ["eq", "ne", "lt", "le", "gt", "ge"] as const;
const OPS = new Set<string>([...STRING_OPS, ...NUMBER_OPS]);
const FIELDS = new Set(["handler", "transport", "route", "method", "headers"]);

/** Thrown for a marker or policy that can't be used; the message names the key. */
export class RuleError extends Error {}

function testOf(where: string, cond: unknown): Test {
  if (typeof cond === "string") return (v) => v === cond;
  if (cond === null || typeof cond !== "object" || Array.isArray(cond))
    throw new RuleError(`${where} must be a string or an object of operators (${[...OPS].join(", ")})`);
  const tests: Test[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    if (!OPS.has(op)) throw new RuleError(`${where} has an unknown operator "${op}" (known: ${[...OPS].join(", ")})`);
    if ((STRING_OPS as readonly string[]).includes(op)) {
      if (typeof arg !== "string") throw new RuleError(`${where}.${op} must be a string`);
      if (op === "exact") tests.push((v) => String(v) === arg);
      else if (op === "prefix") tests.push((v) => String(v).startsWith(arg));
      else if (op === "contains") tests.push((v) => String(v).includes(arg));
      else {
        let re: RegExp;
        try {
          re = new RegExp(arg);
        } catch (err) {
          throw new RuleError(`${where}.regex is not a valid regular expression: ${(err as Error).message}`);
        }
        tests.push((v) => re.test(String(v)));
      }
    } else {
      if (typeof arg !== "number" || !Number.isFinite(arg)) throw new RuleError(`${where}.${op} must be a finite number`);
      const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN);
      const cmp: Record<string, (n: number) => boolean> = {
        eq: (n) => n === arg,
        ne: (n) => n !== arg,
        lt: (n) => n < arg,
        le: (n) => n <= arg,
        gt: (n) => n > arg,
        ge: (n) => n >= arg,
      };
      const c = cmp[op] as (n: number) => boolean;
      tests.push((v) => {
        const n = num(v);
        return !Number.isNaN(n) && c(n);
      });
    }
  }
  if (tests.length === 0) throw new RuleError(`${where} has no operator`);
  return (v) => {
    if (v === undefined || v === null) return false;
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

function methodOf(ctx: Context): unknown {
  const m = ctx.meta.method ?? ctx.meta[":method"];
  if (m !== undefined) return m;
  const space = ctx.route.indexOf(" ");
  return space > 0 ? ctx.route.slice(0, space) : undefined;
}

function headerOf(name: string): Read {
  if (name === "x-request-id") return (ctx) => ctx.meta[name] ?? ctx.id;
  return (ctx) => {
    const v = ctx.meta[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/** Compile a marker into a predicate on a context, or throw a {@link RuleError} naming `where`. */
export function compileMarker(where: string, spec: unknown): (ctx: Context) => boolean {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) throw new RuleError(`${where} must be an object`);
  const checks: Array<[Read, Test]> = [];
  for (const [field, cond] of Object.entries(spec)) {
    if (!FIELDS.has(field)) throw new RuleError(`${where} has an unknown field "${field}" (known: ${[...FIELDS].join(", ")})`);
    if (field === "headers") {
      if (cond === null || typeof cond !== "object" || Array.isArray(cond)) throw new RuleError(`${where}.headers must be an object`);
      for (const [name, c] of Object.entries(cond)) checks.push([headerOf(name.toLowerCase()), testOf(`${where}.headers.${name}`, c)]);
      continue;
    }
    const read: Read =
      field === "handler"
        ? (ctx) => ctx.handler
        : field === "transport"
          ? (ctx) => ctx.transport
          : field === "route"
            ? (ctx) => ctx.route
            : methodOf;
    checks.push([read, testOf(`${where}.${field}`, cond)]);
  }
  return (ctx) => {
    for (const [read, test] of checks) if (!test(read(ctx))) return false;
    return true;
  };
}
