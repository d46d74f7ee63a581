import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { escapeHtml } from "./html.js";

/** The files of swagger-ui-dist the docs page loads, with their types: served from the installed package, never a CDN. */
export const docsAssets: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const cache = new Map<string, Buffer>();

/** A file of swagger-ui-dist (one of {@link docsAssets}), read once. */
export function docsAsset(name: string): Buffer {
  let buf = cache.get(name);
  if (buf === undefined) {
    const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    buf = readFileSync(join(dir, name));
    cache.set(name, buf);
  }
  return buf;
}

/** The docs page: Swagger UI over the OpenAPI document at `specUrl`, its assets under `assets`. */
export function docsPage(title: string, assets: string, specUrl: string, consoleUrl: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — API docs</title>
<link rel="icon" href="${assets}/favicon-32x32.png">
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<style>body{margin:0}.wego-bar{font:14px system-ui,sans-serif;padding:8px 16px;background:#1b1f24;color:#eee}.wego-bar a{color:#8cf;margin-left:12px}</style>
</head>
<body>
<div class="wego-bar">${escapeHtml(title)} · <a href="${specUrl}">openapi.json</a><a href="${specUrl.replace(/openapi\.json$/, "asyncapi.json")}">asyncapi.json</a>${
    consoleUrl === undefined ? "" : `<a href="${consoleUrl}">developer console</a>`
  }</div>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#swagger-ui", deepLinking: true });</script>
</body>
</html>
`;
}
