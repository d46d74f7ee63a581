import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context } from "./context.js";
import { catalogue, catalogueError, frameworkError } from "./errors/catalogue.js";
import type { Endpoint, Filter } from "./filter.js";
import { fieldIssues } from "./filters/validate.js";
import { settled } from "./settled.js";

type AnySchema = StandardSchemaV1;
type Awaitable<T> = T | Promise<T>;

/** What a caller sends for schema `S` (its input type), or `unknown` without one. */
export type SchemaInput<S> = S extends AnySchema ? StandardSchemaV1.InferInput<S> : unknown;
/** What a schema `S` yields after validation (its output type), or `unknown` without one. */
export type SchemaOutput<S> = S extends AnySchema ? StandardSchemaV1.InferOutput<S> : unknown;

/** An example call for the docs: an input, and the output it gives. */
export interface HandlerExample<I, O> {
  /** A short name ("a new user"). */
  name?: string;
  input: I;
  output?: O;
}

/**
 * A typed handler's definition: optional Standard Schema `input` and `output`
 * (zod, valibot, arktype… anything implementing Standard Schema), and
 * `handle`, which receives the validated input with its inferred type.
 */
export interface HandlerDefinition<IS extends AnySchema | undefined, OS extends AnySchema | undefined, R> {
  /** The name it is registered and listed under; `app.handler(h)` uses it. */
  name?: string;
  /** What it does, for route listings, OpenAPI and the developer console. */
  description?: string;
  /** Validates `ctx.request`; failures are answered `invalid_argument` with field issues on every transport. */
  input?: IS;
  /** Checked outside production (a mismatch is an `internal` fault, logged); describes the output for docs and clients. */
  output?: OS;
  /** Example calls, for the docs. */
  examples?: ReadonlyArray<HandlerExample<SchemaInput<IS>, OS extends AnySchema ? SchemaOutput<OS> : R>>;
  /** Filters around the handler (outermost first): auth, rate limit… They run before the input is validated. */
  filters?: readonly Filter[];
  /** The business logic: the validated input, the invocation's context; returns the output. */
  handle(input: SchemaOutput<IS>, ctx: Context): Awaitable<OS extends AnySchema ? SchemaOutput<OS> : R>;
}

/** What a typed handler carries besides being an endpoint: read by routers, docs and clients. */
export interface HandlerInfo {
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly input: AnySchema | undefined;
  readonly output: AnySchema | undefined;
  readonly examples: ReadonlyArray<HandlerExample<unknown, unknown>>;
  /** The names of its named filters (`filters.jwt` → "jwt", "rateLimit", "timeout", "bulkhead", "circuitBreaker"), outermost first. */
  readonly filters: readonly string[];
}

declare const types: unique symbol;

/**
 * A typed handler: an endpoint any router can serve (pass it to a route, or
 * register it with `app.handler(h)`), plus its schemas and docs. `I` is what
 * a caller sends, `O` what it gets back.
 */
export type Handler<I = unknown, O = unknown> = Endpoint<O> & {
  readonly info: HandlerInfo;
  /** Type-level only: the input and output types, for `InputOf` / `OutputOf` and typed clients. */
  readonly [types]?: { input: I; output: O };
};

/** The input type of a route target: a typed handler's input, else `unknown`. */
export type InputOf<T> = T extends { readonly [types]?: { input: infer I; output: unknown } } ? I : unknown;
/** The output type of a route target: a typed handler's output, else the endpoint's result. */
export type OutputOf<T> = T extends { readonly [types]?: { input: unknown; output: infer O } }
  ? O
  : T extends Endpoint<infer O>
    ? O
    : unknown;

const kInfo = Symbol.for("wego.handler");

/** The typed handler info of a route target, or undefined for a plain endpoint or a name. */
export function handlerInfo(target: unknown): HandlerInfo | undefined {
  return typeof target === "function" ? ((target as unknown as Record<symbol, HandlerInfo | undefined>)[kInfo] ?? undefined) : undefined;
}

function invalidInput(issues: ReadonlyArray<StandardSchemaV1.Issue>) {
  const { details, summary } = fieldIssues(issues);
  return catalogueError(catalogue, "WEGO_ERR_INPUT_INVALID", [summary], { details });
}

/**
 * Define a typed handler. Its input is validated before `handle` runs (the
 * same `invalid_argument` with field issues whatever the transport), its
 * output checked outside production, and its types flow to the routes and
 * clients that use it.
 *
 * @example
 * import { z } from "zod";
 * const greet = defineHandler({
 *   name: "greet",
 *   description: "Says hello.",
 *   input: z.object({ name: z.string().min(1) }),
 *   output: z.object({ message: z.string() }),
 *   handle: ({ name }) => ({ message: `hello ${name}` }),
 * });
 * app.handler(greet);                          // registered as "greet"
 * router.post("/greet", greet);                 // or served directly
 */
export function defineHandler<
  IS extends AnySchema | undefined = undefined,
  OS extends AnySchema | undefined = undefined,
  R = OS extends AnySchema ? SchemaOutput<OS> : unknown,
>(definition: HandlerDefinition<IS, OS, R>): Handler<SchemaInput<IS>, OS extends AnySchema ? SchemaOutput<OS> : R> {
  if (definition === null || typeof definition !== "object" || typeof definition.handle !== "function")
    throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", "defineHandler", "handle(input, ctx)", typeof definition?.handle);
  const { name, input, output } = definition;
  const handle = definition.handle as (input: unknown, ctx: Context) => unknown;
  const inStd = input?.["~standard"];
  const outStd = output?.["~standard"];
  const label = name ?? "(typed handler)";

  const checkOutput = (ctx: Context, value: unknown): unknown => {
    if (outStd === undefined || ctx.app?.production !== false) return value;
    const r = outStd.validate(value);
    const bad = (res: StandardSchemaV1.Result<unknown>): unknown => {
      if (res.issues) throw frameworkError("WEGO_ERR_OUTPUT_INVALID", ctx.handler || label, fieldIssues(res.issues).summary);
      return value;
    };
    return r instanceof Promise ? r.then(bad) : bad(r);
  };

  const call = (ctx: Context, value: unknown): Promise<unknown> => {
    const out = handle(value, ctx);
    if (out !== null && typeof out === "object" && typeof (out as Promise<unknown>).then === "function")
      return outStd === undefined ? (out as Promise<unknown>) : (out as Promise<unknown>).then((v) => checkOutput(ctx, v));
    const checked = checkOutput(ctx, out);
    return checked instanceof Promise ? checked : settled(checked);
  };

  const accept = (ctx: Context, res: StandardSchemaV1.Result<unknown>): Promise<unknown> => {
    if (res.issues) return Promise.reject(invalidInput(res.issues));
    return call(ctx, res.value);
  };

  const run: Endpoint = (ctx) => {
    try {
      if (inStd === undefined) return call(ctx, ctx.request);
      const res = inStd.validate(ctx.request);
      if (res instanceof Promise) return res.then((r) => accept(ctx, r));
      return accept(ctx, res);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  let endpoint: Endpoint = run;
  const list = definition.filters ?? [];
  for (let i = list.length - 1; i >= 0; i--) endpoint = (list[i] as Filter)(endpoint);
  // `run` is this definition's own function; a composed one may be a filter's, so it gets a wrapper to carry the info.
  const inner = endpoint;
  const typed = (list.length === 0 ? run : (ctx: Context) => inner(ctx)) as Handler<
    SchemaInput<IS>,
    OS extends AnySchema ? SchemaOutput<OS> : R
  >;
  const info: HandlerInfo = Object.freeze({
    name,
    description: definition.description,
    input,
    output,
    examples: (definition.examples ?? []) as ReadonlyArray<HandlerExample<unknown, unknown>>,
    filters: Object.freeze(list.map((f) => f.name).filter((n) => n !== "")),
  });
  Object.defineProperty(typed, "name", { value: label });
  Object.defineProperty(typed, "info", { value: info, enumerable: true });
  Object.defineProperty(typed, kInfo, { value: info });
  return typed;
}
