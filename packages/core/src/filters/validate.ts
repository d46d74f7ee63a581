import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context } from "../context.js";
import { type ContextKey, createContextKey } from "../context-key.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";

/** Where `filters.validate` puts the validated (and possibly transformed) input by default. */
export const validatedKey = createContextKey<unknown>("wego.validated");

export interface ValidateOptions<T> {
  /** The key the validated value is stored under; a typed key of your own gives typed reads. Default {@link validatedKey}. */
  key?: ContextKey<T>;
  /** What to validate. Default `ctx.request`. */
  from?: (ctx: Context) => unknown;
}

/** One failing field: `field` is the path joined with dots (`items.0.name`), "" for the input itself. */
export interface FieldIssue {
  field: string;
  message: string;
}

function fieldOf(path: StandardSchemaV1.Issue["path"]): string {
  if (path === undefined) return "";
  return path.map((seg) => String(typeof seg === "object" ? seg.key : seg)).join(".");
}

/** A Standard Schema's issues as field issues, and their one-line summary (`name: Required; age: …`). */
export function fieldIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): { details: FieldIssue[]; summary: string } {
  const details: FieldIssue[] = issues.map((i) => ({ field: fieldOf(i.path), message: i.message }));
  const summary = details.map((d) => (d.field === "" ? d.message : `${d.field}: ${d.message}`)).join("; ");
  return { details, summary };
}

function invalid(issues: ReadonlyArray<StandardSchemaV1.Issue>): WegoError {
  const { details, summary } = fieldIssues(issues);
  return new WegoError("invalid_argument", `invalid request: ${summary}`, { details });
}

/**
 * Validate the input with any Standard Schema (zod, valibot, arktype…).
 * Failures are `invalid_argument` whose `details` list every field and its
 * message; on success the schema's output (coerced, defaults applied) is put
 * on the context under `key` (default {@link validatedKey}); `ctx.request`
 * itself is left as received.
 *
 * @example
 * const inputKey = createContextKey<{ name: string }>("input", { name: "" });
 * filters.chain(filters.response(), filters.validate(z.object({ name: z.string() }), { key: inputKey }), endpoint)
 * // in a service: ctx.get(inputKey).name
 */
export function validate<S extends StandardSchemaV1>(schema: S, options: ValidateOptions<StandardSchemaV1.InferOutput<S>> = {}): Filter {
  const std = schema["~standard"];
  const key = (options.key ?? validatedKey) as ContextKey<unknown>;
  const from = options.from;
  return (next) => {
    const accept = (ctx: Context, result: StandardSchemaV1.Result<unknown>) => {
      if (result.issues) throw invalid(result.issues);
      ctx.set(key, result.value);
      return next(ctx);
    };
    return function validateFilter(ctx) {
      try {
        const result = std.validate(from === undefined ? ctx.request : from(ctx));
        if (result instanceof Promise) return result.then((r) => accept(ctx, r));
        return accept(ctx, result);
      } catch (err) {
        return Promise.reject(err);
      }
    };
  };
}
