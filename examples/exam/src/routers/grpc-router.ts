import type { App } from "@wego/core";
import { createGrpcRouter } from "@wego/grpc";
import { greet } from "../handlers/greet.js";

/**
 * The seed's GrpcRouter: routes of the generic `wego.v1.WegoService/Handle`
 * (a route name and a JSON payload in, the envelope out). Port: config
 * `grpc.port` (`WEGO_GRPC_PORT`, `--grpc.port`), default 9341.
 */
export function grpcRouter(app: App) {
  return createGrpcRouter()
    .route("Two", app.handler("two"))
    .route("One", app.handler("one"))
    .route("Auth", app.handler("auth")) // the token travels as `authorization: Bearer …` metadata
    .route("Greet", greet); // a typed handler, served as a value
}
