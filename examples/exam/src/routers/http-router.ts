import type { App } from "@wego/core";
import { createHttpRouter } from "@wego/http";
import { greet } from "../handlers/greet.js";

/**
 * The seed's HttpRouter, plus the routes around it. Port: config `http.port`
 * (`WEGO_HTTP_PORT`, `--http.port`), default 8341; `/health`, `/ready` and
 * `/metrics` come with the router. The return type keeps the routes, so a
 * typed client (`@wego/client`) is `createClient<ReturnType<typeof httpRouter>>(…)`.
 */
export function httpRouter(app: App) {
  return createHttpRouter()
    .get("/exam/one", app.handler("one"))
    .get("/exam/two", app.handler("two"))
    .post("/exam/auth", app.handler("auth"))
    .post("/exam/login", app.handler("login")) // a demo token for /exam/auth
    .get("/exam/redis", app.handler("redis"))
    .get("/exam/sql", app.handler("sql"))
    .get("/exam/sql/:id", app.handler("sql"))
    .post("/exam/queue", app.handler("push"))
    .post("/exam/greet", greet); // a typed handler, served as a value
}
