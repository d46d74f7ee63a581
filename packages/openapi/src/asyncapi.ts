import type { RouteInfo } from "@wego/core";
import { errorCodesOf } from "./error-codes.js";
import { jsonSchemaOf } from "./json-schema.js";

/** What {@link asyncApiDocument} describes: the WebSocket router's routes and the queue's. */
export interface AsyncApiOptions {
  /** The API's title; default "wego app". */
  title?: string;
  /** The API's version; default "0.0.0". */
  version?: string;
  /** What the API is. */
  description?: string;
  /** The WebSocket router's routes (`ws.routes()`). */
  ws?: readonly RouteInfo[];
  /** The upgrade path of the WebSocket router; default "/ws". */
  wsPath?: string;
  /** The queue router's routes (`queue.routes()`): one job name each. */
  queue?: readonly RouteInfo[];
  /** The queue's name; default "wego". */
  queueName?: string;
  /** Servers by id, e.g. `{ ws: { host: "api.example.com", protocol: "wss", pathname: "/ws" } }`. */
  servers?: Record<string, { host: string; protocol: string; pathname?: string; description?: string }>;
}

/** An AsyncAPI 3.0 document (a plain JSON object). */
export type AsyncApiDocument = Record<string, unknown> & { asyncapi: "3.0.0" };

/** A message key AsyncAPI accepts (letters, digits, `.`, `-`, `_`). */
const key = (s: string): string => s.replace(/[^\w.-]+/g, "_");

/**
 * The AsyncAPI 3 document of what OpenAPI can't describe: each WebSocket
 * route's request frame `{ id, route, data, requestId?, timeoutMs? }` and its
 * reply (the envelope with the same `id`, the handler's output as `data`, or
 * an error code), and each queue route's job (`data` is the handler's input).
 * Schemas come from the typed handlers through Standard JSON Schema.
 */
export function asyncApiDocument(options: AsyncApiOptions): AsyncApiDocument {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const wsRoutes = options.ws ?? [];
  if (wsRoutes.length > 0) {
    const messages: Record<string, unknown> = {};
    for (const r of wsRoutes) {
      const k = key(r.route);
      const codes = errorCodesOf(r.info, r.info?.filters.includes("jwt") ?? false);
      messages[`${k}.request`] = {
        name: `${k}.request`,
        title: `${r.route} request`,
        ...(r.info?.description === undefined ? {} : { summary: r.info.description }),
        payload: {
          type: "object",
          required: ["id", "route"],
          properties: {
            id: { description: "Chosen by the client; the reply carries it back." },
            route: { const: r.route },
            data: jsonSchemaOf(r.info, "input") ?? {},
            requestId: { type: "string" },
            timeoutMs: { type: "integer", minimum: 1 },
          },
        },
        ...(r.info && r.info.examples.length > 0
          ? {
              examples: r.info.examples.map((e, i) => ({
                name: key(e.name ?? `example${i + 1}`),
                payload: { id: 1, route: r.route, data: e.input },
              })),
            }
          : {}),
      };
      messages[`${k}.reply`] = {
        name: `${k}.reply`,
        title: `${r.route} reply`,
        payload: {
          type: "object",
          required: ["id", "code", "message", "data", "requestId"],
          properties: {
            id: {},
            code: { enum: ["ok", ...codes], description: "ok, or the error code (data is null then)" },
            message: { type: "string" },
            data: { oneOf: [jsonSchemaOf(r.info, "output") ?? {}, { type: "null" }] },
            requestId: { type: "string" },
            reason: { type: "string" },
            details: {},
          },
        },
      };
      operations[k] = {
        action: "send",
        title: r.route,
        summary: r.info?.description ?? `frames to the handler ${r.handler}`,
        channel: { $ref: "#/channels/ws" },
        messages: [{ $ref: `#/channels/ws/messages/${k}.request` }],
        reply: { channel: { $ref: "#/channels/ws" }, messages: [{ $ref: `#/channels/ws/messages/${k}.reply` }] },
      };
    }
    channels.ws = {
      address: options.wsPath ?? "/ws",
      title: "WebSocket frames",
      description:
        "JSON text frames; each request frame is answered by a reply frame with the same id. Several run at once per connection.",
      messages,
    };
  }
  const queueName = options.queueName ?? "wego";
  for (const r of options.queue ?? []) {
    const k = `queue.${key(r.route)}`;
    channels[k] = {
      address: `${queueName}/${r.route}`,
      title: `job ${r.route}`,
      description: `Jobs named "${r.route}" on the queue "${queueName}", worked by the handler ${r.handler}.`,
      messages: {
        job: {
          name: "job",
          ...(r.info?.description === undefined ? {} : { summary: r.info.description }),
          payload: jsonSchemaOf(r.info, "input") ?? {},
        },
      },
    };
    operations[k] = {
      action: "send",
      summary: `push a "${r.route}" job (createQueueProducer().push("${r.route}", data))`,
      channel: { $ref: `#/channels/${k}` },
      messages: [{ $ref: `#/channels/${k}/messages/job` }],
    };
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: options.title ?? "wego app",
      version: options.version ?? "0.0.0",
      ...(options.description === undefined ? {} : { description: options.description }),
    },
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    defaultContentType: "application/json",
    channels,
    operations,
  };
}
