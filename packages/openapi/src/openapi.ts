import type { Code, RouteInfo } from "@wego/core";
import { httpStatusByCode } from "@wego/core/transport";
import { codeReason, errorCodesOf } from "./error-codes.js";
import { type JsonSchema, jsonSchemaOf, objectParts, withoutProperties } from "./json-schema.js";

/** The document's `info` and what the routes can't say. */
export interface OpenApiOptions {
  /** The API's title; default "wego app". */
  title?: string;
  /** The API's version; default "0.0.0". */
  version?: string;
  /** What the API is. */
  description?: string;
  /** Where it is served, e.g. `[{ url: "https://api.example.com" }]`; default the server the document is fetched from. */
  servers?: ReadonlyArray<{ url: string; description?: string }>;
  /**
   * Handlers (by name) behind a jwt filter that no typed handler declares,
   * e.g. a service chain built with `filters.auth`: their routes get the
   * bearer security and `unauthenticated` too.
   */
  jwtHandlers?: readonly string[];
}

/** An OpenAPI 3.1 document (a plain JSON object). */
export type OpenApiDocument = Record<string, unknown> & { openapi: "3.1.0"; paths: Record<string, Record<string, unknown>> };

const verbs = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const bodiless = new Set(["GET", "DELETE"]);

/** The app's default envelope around `data`. */
function okEnvelope(data: JsonSchema): JsonSchema {
  return {
    type: "object",
    required: ["code", "message", "data", "requestId"],
    properties: { code: { const: "ok" }, message: { type: "string" }, data, requestId: { type: "string" } },
  };
}

const errorSchema: JsonSchema = {
  type: "object",
  description: "The envelope of a failure: its code (docs/errors.md), a message, and the request id.",
  required: ["code", "message", "data", "requestId"],
  properties: {
    code: { type: "string", description: "One of wego's 16 codes (snake_case gRPC codes)." },
    message: { type: "string" },
    data: { type: "null" },
    requestId: { type: "string" },
    reason: { type: "string", description: "The application or framework reason (e.g. WEGO_ERR_INPUT_INVALID)." },
    details: { description: "Data safe to show, e.g. the field issues of an invalid input." },
  },
};

/** "GET /users/:id" → ["GET", "/users/{id}", ["id"]], or undefined for what OpenAPI doesn't describe. */
function parseRoute(route: string): [string, string, string[]] | undefined {
  const space = route.indexOf(" ");
  const method = route.slice(0, space);
  if (space < 0 || !verbs.has(method)) return undefined;
  const params: string[] = [];
  const path = route
    .slice(space + 1)
    .replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      params.push(name);
      return `{${name}}`;
    })
    .replace(/\*$/, () => {
      params.push("wildcard");
      return "{wildcard}";
    });
  return [method, path, params];
}

function operationId(handler: string, method: string, path: string, taken: Set<string>): string {
  const base = handler && !handler.startsWith("(") ? handler : `${method.toLowerCase()}${path}`;
  let id = base.replace(/[^A-Za-z0-9_.-]+/g, "_");
  for (let n = 2; taken.has(id); n++) id = `${base.replace(/[^A-Za-z0-9_.-]+/g, "_")}_${n}`;
  taken.add(id);
  return id;
}

function responses(info: RouteInfo["info"], jwt: boolean): Record<string, unknown> {
  const output = jsonSchemaOf(info, "output") ?? {};
  const examples = (info?.examples ?? []).filter((e) => e.output !== undefined);
  const ok: Record<string, unknown> = { schema: okEnvelope(output) };
  if (examples.length > 0)
    ok.examples = Object.fromEntries(
      examples.map((e, i) => [
        `example${i + 1}`,
        { summary: e.name ?? `example ${i + 1}`, value: { code: "ok", message: "ok", data: e.output, requestId: "…" } },
      ]),
    );
  const out: Record<string, unknown> = {
    "200": { description: "ok: the handler's output in the envelope", content: { "application/json": ok } },
  };
  const byStatus = new Map<number, Code[]>();
  for (const code of errorCodesOf(info, jwt)) {
    const status = httpStatusByCode[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of byStatus) {
    out[String(status)] = {
      description: codes.map(codeReason).join("; "),
      content: {
        "application/json": {
          schema: { allOf: [{ $ref: "#/components/schemas/WegoError" }, { properties: { code: { enum: codes } } }] },
        },
      },
    };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of an HTTP router's routes (`router.routes()`
 * after the app started, or `app.routes()` filtered to it): a path per
 * route, path parameters, the query parameters of a GET/DELETE and the JSON
 * body of other methods from the typed handler's input schema, the output
 * in the envelope, each error code the route can answer under its HTTP
 * status, bearer security where the handler's `jwt` filter is, and the
 * handler's description and examples. Routes to untyped handlers are listed
 * with open schemas; the router's probes are left out.
 */
export function openApiDocument(routes: readonly RouteInfo[], options: OpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  const jwtNames = new Set(options.jwtHandlers ?? []);
  let secured = false;
  for (const r of routes) {
    const parsed = parseRoute(r.route);
    if (parsed === undefined || r.handler.startsWith("(")) continue;
    const [method, path, pathParams] = parsed;
    const info = r.info;
    const jwt = (info?.filters.includes("jwt") ?? false) || jwtNames.has(r.handler);
    const input = jsonSchemaOf(info, "input");
    const { properties, required } = objectParts(input);
    const op: Record<string, unknown> = {
      operationId: operationId(r.handler, method, path, ids),
      summary: info?.description?.split(/(?<=\.)\s/)[0] ?? r.handler,
      tags: [r.handler],
    };
    if (info?.description !== undefined) op.description = info.description;
    const parameters: Record<string, unknown>[] = pathParams.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: properties[name] ?? { type: "string" },
    }));
    const examples = info?.examples ?? [];
    if (bodiless.has(method)) {
      for (const [name, schema] of Object.entries(properties)) {
        if (pathParams.includes(name)) continue;
        parameters.push({ name, in: "query", required: required.includes(name), schema });
      }
    } else if (input !== undefined) {
      const content: Record<string, unknown> = { schema: withoutProperties(input, new Set(pathParams)) };
      if (examples.length > 0)
        content.examples = Object.fromEntries(
          examples.map((e, i) => [`example${i + 1}`, { summary: e.name ?? `example ${i + 1}`, value: e.input }]),
        );
      op.requestBody = { required: true, content: { "application/json": content } };
    }
    if (parameters.length > 0) op.parameters = parameters;
    op.responses = responses(info, jwt);
    if (jwt) {
      op.security = [{ bearerAuth: [] }];
      secured = true;
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = op;
  }
  const components: Record<string, unknown> = { schemas: { WegoError: errorSchema } };
  if (secured) components.securitySchemes = { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } };
  const doc: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "wego app",
      version: options.version ?? "0.0.0",
      ...(options.description === undefined ? {} : { description: options.description }),
    },
    ...(options.servers === undefined ? {} : { servers: options.servers.map((s) => ({ ...s })) }),
    paths,
    components,
  };
  return doc;
}
