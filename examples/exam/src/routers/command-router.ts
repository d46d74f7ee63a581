import { type CliRouter, createCliRouter } from "@wego/cli";
import type { App } from "@wego/core";
import { greet } from "../handlers/greet.js";

/**
 * The seed's CommandRouter: `--server command run <route> [--key value…]`
 * (or the original's `--cmd <route> --args '<json>'`) runs one handler,
 * prints the envelope on stdout and exits with a code mapped from its error.
 */
export function commandRouter(app: App): CliRouter {
  return createCliRouter()
    .route("exam.one", app.handler("one"))
    .route("exam.two", app.handler("two"))
    .route("exam.greet", greet) // a typed handler, served as a value
    .route("exam.token", app.handler("login")) // a demo token signed with jwt.secret
    .route("exam.redis", app.handler("redis"))
    .route("exam.sql", app.handler("sql"))
    .route("exam.push", app.handler("push")) // push a queue job from the shell
    .route("migrate:up", app.handler("migrate:up"))
    .route("migrate:down", app.handler("migrate:down"))
    .route("migrate:create", app.handler("migrate:create"))
    .route("migrate:list", app.handler("migrate:list"));
}
