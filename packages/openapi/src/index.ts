/**
 * @module @wego/openapi — API docs and a developer console from a wego app's
 * typed handlers and routes: OpenAPI 3.1 (HTTP) and AsyncAPI 3 (WebSocket
 * frames, queue jobs) with schemas through Standard JSON Schema, a docs page
 * whose assets are served locally, and a console page (off in production
 * unless enabled).
 */
export { type AsyncApiDocument, type AsyncApiOptions, asyncApiDocument } from "./asyncapi.js";
export type { ConsoleHandler, ConsoleState } from "./console-state.js";
export { type JsonSchema, jsonSchemaOf } from "./json-schema.js";
export { type OpenApiDocument, type OpenApiOptions, openApiDocument } from "./openapi.js";
export { type RecentError, recordErrors } from "./recent-errors.js";
export { type ConsoleOptions, type DocsOptions, type DocsRouter, serveDocs } from "./serve-docs.js";
