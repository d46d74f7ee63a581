/**
 * @module @wego/client — a typed client of a wego app, inferred from its
 * router's type with no code generation: one `call(route, input)` over HTTP,
 * WebSocket or the generic gRPC service; failures are `WegoError`s with the
 * server's code.
 */
export { type CallArgs, type CallOptions, type ClientTransport, createClient, type RoutesOf, type WegoClient } from "./client.js";
export { type GenericServiceClient, grpcTransport } from "./grpc-transport.js";
export { type HttpTransportOptions, httpTransport } from "./http-transport.js";
export { type WsTransportOptions, wsTransport } from "./ws-transport.js";
