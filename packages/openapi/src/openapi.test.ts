// The OpenAPI document of a running app, checked by an independent validator
// (@readme/openapi-parser) and read for what the issue asks of it.
import { compileErrors, validate as validateOpenApi } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsApp } from "./test-app.js";

let s: ReturnType<typeof docsApp>;
let base: string;
// biome-ignore lint/suspicious/noExplicitAny: a JSON document, read by path
let doc: Record<string, any>;
beforeAll(async () => {
  s = docsApp();
  await s.app.start();
  base = `http://127.0.0.1:${s.http.port}`;
  doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as typeof doc;
});
afterAll(() => s.app.stop());

describe("the OpenAPI document at /docs/openapi.json", () => {
  it("is valid OpenAPI 3.1 for @readme/openapi-parser", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validateOpenApi(structuredClone(doc) as Parameters<typeof validateOpenApi>[0]);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("has a path per app route, with :params as {params}, and no probes or docs routes", () => {
    expect(Object.keys(doc.paths).sort()).toEqual(["/greet", "/ping", "/sum", "/users/{id}"]);
    expect(doc.info).toEqual({ title: "docs test", version: "1.2.3", description: "The docs tests' app." });
  });

  it("describes a body from a zod schema, with the handler's description and examples", () => {
    const op = doc.paths["/greet"].post;
    expect(op.operationId).toBe("greet");
    expect(op.summary).toBe("Says hello.");
    expect(op.description).toBe("Says hello. Greets in English or Chinese.");
    const body = op.requestBody.content["application/json"];
    expect(body.schema.properties.name).toMatchObject({ type: "string", minLength: 1, description: "who to greet" });
    expect(body.schema.properties.lang).toMatchObject({ enum: ["en", "zh"], default: "en" });
    expect(body.schema.required).toEqual(["name"]);
    expect(body.examples.example1).toEqual({ summary: "in Chinese", value: { name: "wego", lang: "zh" } });
    const ok = op.responses["200"].content["application/json"];
    expect(ok.schema.properties.data).toMatchObject({ type: "object", properties: { greeting: { type: "string" } } });
    expect(ok.schema.properties.code).toEqual({ const: "ok" });
    expect(ok.examples.example1.value).toMatchObject({ code: "ok", data: { greeting: "你好, wego" } });
  });

  it("puts path and query parameters of a GET from a valibot schema (through its Standard JSON Schema converter)", () => {
    const op = doc.paths["/users/{id}"].get;
    expect(op.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string" } },
      { name: "fields", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(op.requestBody).toBeUndefined();
  });

  it("answers each error code the route can give under its HTTP status, in the error envelope", () => {
    const greet = doc.paths["/greet"].post.responses;
    expect(Object.keys(greet).sort()).toEqual(["200", "400", "500", "503", "504"]);
    expect(greet["400"].description).toContain("invalid_argument");
    expect(greet["400"].content["application/json"].schema.allOf).toEqual([
      { $ref: "#/components/schemas/WegoError" },
      { properties: { code: { enum: ["invalid_argument"] } } },
    ]);
    // jwt → 401 unauthenticated; rateLimit → 429 resource_exhausted
    const sum = doc.paths["/sum"].post.responses;
    expect(Object.keys(sum).sort()).toEqual(["200", "400", "401", "429", "500", "503", "504"]);
  });

  it("marks bearer JWT security on the route whose handler has the jwt filter only", () => {
    expect(doc.paths["/sum"].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/greet"].post.security).toBeUndefined();
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } });
    // arktype's Standard JSON Schema
    expect(doc.paths["/sum"].post.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
    });
  });

  it("lists a route to an untyped handler with open schemas", () => {
    const op = doc.paths["/ping"].get;
    expect(op.operationId).toBe("ping");
    expect(op.responses["200"].content["application/json"].schema.properties.data).toEqual({});
  });
});

describe("the docs page", () => {
  it("loads Swagger UI from the router itself (no CDN) and serves its assets", async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs).toContain("/docs/assets/swagger-ui-bundle.js");
    expect(srcs.filter((u) => /^(https?:)?\/\//.test(u ?? ""))).toEqual([]);
    const js = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await js.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${base}/docs/assets/package.json`)).status).toBe(404);
  });
});
