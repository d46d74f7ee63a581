import type { App } from "@wego/core";
import { createWsRouter } from "@wego/ws";
import { greet } from "../handlers/greet.js";

/**
 * The seed's WebSocketRouter: frames `{ id, route, data }` on `/ws`, each
 * answered with the envelope and the same `id`. Port: config `ws.port`
 * (`WEGO_WS_PORT`, `--ws.port`), default 8342. `auth` reads the token the
 * client sent at the upgrade (`Authorization: Bearer …`).
 */
export function websocketRouter(app: App) {
  return createWsRouter()
    .route("one", app.handler("one"))
    .route("two", app.handler("two"))
    .route("auth", app.handler("auth"))
    .route("greet", greet); // a typed handler, served as a value
}
