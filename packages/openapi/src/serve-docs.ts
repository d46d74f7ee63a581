import { type App, type CircuitBreaker, type Context, type Endpoint, type RouteInfo, WegoError } from "@wego/core";
import { httpBody } from "@wego/http";
import { asyncApiDocument } from "./asyncapi.js";
import { consolePage } from "./console-page.js";
import { consoleState } from "./console-state.js";
import { docsAsset, docsAssets, docsPage } from "./docs-page.js";
import { type OpenApiOptions, openApiDocument } from "./openapi.js";
import { noteError } from "./recent-errors.js";

/** A router whose routes can be listed (`routes()` of any wego router). */
interface Listed {
  routes?(): RouteInfo[];
}

/** What {@link serveDocs} needs of `@wego/http`'s router. */
export interface DocsRouter extends Listed {
  get(path: string, target: Endpoint): unknown;
  post(path: string, target: Endpoint): unknown;
}

/** Options of the developer console. */
export interface ConsoleOptions {
  /** Where the console is served; default "/console". */
  path?: string;
}

/** Options of {@link serveDocs}. */
export interface DocsOptions extends OpenApiOptions {
  /** Where the docs live: the page at `path`, the documents at `path/openapi.json` and `path/asyncapi.json`, the page's assets under `path/assets/`. Default "/docs". */
  path?: string;
  /** The WebSocket router, for the AsyncAPI document. */
  ws?: Listed;
  /** Its upgrade path; default "/ws". */
  wsPath?: string;
  /** The queue router, for the AsyncAPI document. */
  queue?: Listed;
  /** The queue's name; default "wego". */
  queueName?: string;
  /** Circuit breakers the console shows, by name (`createCircuitBreaker()` values given to `filters.circuitBreaker`). */
  breakers?: Record<string, CircuitBreaker>;
  /**
   * The developer console: `true` or options to serve it, `false` not to.
   * Default: served outside production (`app.production` false) only.
   */
  console?: boolean | ConsoleOptions;
}

const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";

function named(name: string, ep: Endpoint): Endpoint {
  return Object.defineProperty(ep, "name", { value: name });
}

/**
 * Serve the API docs (and, outside production, the developer console) on
 * an HTTP router, before the app starts:
 *
 * - `GET /docs` — a Swagger UI page, its assets served from the installed
 *   `swagger-ui-dist` (no CDN);
 * - `GET /docs/openapi.json` — OpenAPI 3.1 of the router's routes;
 * - `GET /docs/asyncapi.json` — AsyncAPI 3 of the `ws` and `queue` routers' routes;
 * - `GET /console` — the developer console: handlers and every route reaching
 *   them on each router, calls and latency from the metrics, breakers,
 *   recent errors (`recordErrors()`), and a try-it form per handler;
 *   `GET /console/state.json` and `POST /console/invoke` behind it.
 *
 * Documents are built when first asked for (the routes resolve at start)
 * and kept.
 *
 * @example
 * const http = createHttpRouter().post("/greet", greet);
 * serveDocs(http, app, { title: "greeter", version: "1.0.0", ws });
 */
export function serveDocs(router: DocsRouter, app: App, options: DocsOptions = {}): void {
  const path = (options.path ?? "/docs").replace(/\/+$/, "");
  const consoleOn = options.console ?? !app.production;
  const consoleOptions: ConsoleOptions = typeof consoleOn === "object" ? consoleOn : {};
  const consolePath = consoleOn === false ? undefined : (consoleOptions.path ?? "/console").replace(/\/+$/, "");
  const title = options.title ?? app.name;
  let openapi: string | undefined;
  let asyncapi: string | undefined;

  router.get(
    path,
    named("(docs)", async () => httpBody(HTML_TYPE, docsPage(title, `${path}/assets`, `${path}/openapi.json`, consolePath))),
  );
  router.get(
    `${path}/openapi.json`,
    named("(docs)", async () => {
      openapi ??= JSON.stringify(openApiDocument(router.routes?.() ?? [], { ...options, title }));
      return httpBody(JSON_TYPE, openapi);
    }),
  );
  router.get(
    `${path}/asyncapi.json`,
    named("(docs)", async () => {
      asyncapi ??= JSON.stringify(
        asyncApiDocument({
          title,
          ...(options.version === undefined ? {} : { version: options.version }),
          ...(options.description === undefined ? {} : { description: options.description }),
          ...(options.wsPath === undefined ? {} : { wsPath: options.wsPath }),
          ...(options.queueName === undefined ? {} : { queueName: options.queueName }),
          ...(options.ws === undefined ? {} : { ws: options.ws.routes?.() ?? [] }),
          ...(options.queue === undefined ? {} : { queue: options.queue.routes?.() ?? [] }),
        }),
      );
      return httpBody(JSON_TYPE, asyncapi);
    }),
  );
  router.get(
    `${path}/assets/:file`,
    named("(docs)", async (ctx: Context) => {
      const file = (ctx.request as { file?: string }).file ?? "";
      const type = Object.hasOwn(docsAssets, file) ? docsAssets[file] : undefined;
      if (type === undefined) throw new WegoError("not_found", `no docs asset ${file}`);
      return httpBody(type, docsAsset(file), { headers: ["cache-control", "public, max-age=86400"] });
    }),
  );
  if (consolePath === undefined) return;
  router.get(
    consolePath,
    named("(console)", async () => httpBody(HTML_TYPE, consolePage(title, path))),
  );
  router.get(
    `${consolePath}/state.json`,
    named("(console)", async () =>
      httpBody(JSON_TYPE, JSON.stringify(await consoleState(app, router.routes?.() ?? [], options.breakers ?? {}))),
    ),
  );
  router.post(
    `${consolePath}/invoke`,
    named("(console)", async (ctx: Context) => {
      const { handler, input } = (ctx.request ?? {}) as { handler?: unknown; input?: unknown };
      if (typeof handler !== "string" || !app.handlers().includes(handler))
        throw new WegoError("not_found", `no handler registered as ${String(handler)}`);
      try {
        return await app.invoke(handler, { request: input, transport: "console", route: `console ${handler}`, signal: ctx.signal });
      } catch (err) {
        const e = WegoError.from(err);
        noteError(app, {
          at: Date.now(),
          handler,
          route: `console ${handler}`,
          transport: "console",
          code: e.code,
          message: e.rawMessage,
          requestId: ctx.id,
        });
        throw e;
      }
    }),
  );
}
