import type { HandlerInfo } from "@wego/core/transport";

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1 and AsyncAPI 3's default). */
export type JsonSchema = Record<string, unknown>;

interface StandardJsonSchemaProps {
  readonly vendor?: string;
  readonly jsonSchema?: {
    input(options: { target: string }): Record<string, unknown>;
    output(options: { target: string }): Record<string, unknown>;
  };
}

/**
 * The JSON Schema of a typed handler's `input` or `output`, through Standard
 * JSON Schema (`schema["~standard"].jsonSchema`, which zod ≥ 4.2 and arktype
 * implement, and valibot through `toStandardJsonSchema` of
 * `@valibot/to-json-schema`): no code per schema library. A schema without
 * it gives `{}` (anything) with `x-wego-no-json-schema` naming its vendor;
 * no schema gives undefined.
 */
export function jsonSchemaOf(info: HandlerInfo | undefined, io: "input" | "output"): JsonSchema | undefined {
  const schema = info?.[io];
  if (schema === undefined) return undefined;
  const std = schema["~standard"] as StandardJsonSchemaProps;
  if (std.jsonSchema === undefined) return { "x-wego-no-json-schema": std.vendor ?? "unknown" };
  const { $schema: _, ...rest } = std.jsonSchema[io]({ target: "draft-2020-12" });
  return rest;
}

/** The properties and required names of an object schema (empty for any other). */
export function objectParts(schema: JsonSchema | undefined): { properties: Record<string, JsonSchema>; required: string[] } {
  if (schema === undefined || schema.type !== "object") return { properties: {}, required: [] };
  return {
    properties: (schema.properties ?? {}) as Record<string, JsonSchema>,
    required: (schema.required ?? []) as string[],
  };
}

/** `schema` without the properties named in `drop` (taken by path parameters). */
export function withoutProperties(schema: JsonSchema, drop: ReadonlySet<string>): JsonSchema {
  if (drop.size === 0 || schema.type !== "object") return schema;
  const { properties, required } = objectParts(schema);
  const kept = Object.fromEntries(Object.entries(properties).filter(([k]) => !drop.has(k)));
  const out: JsonSchema = { ...schema, properties: kept };
  const req = required.filter((k) => !drop.has(k));
  if (req.length > 0) out.required = req;
  else delete out.required;
  return out;
}
