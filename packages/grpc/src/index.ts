/**
 * @module @wego/grpc — gRPC, gRPC-Web and Connect on one HTTP/2 port: the
 * generic `wego.v1` service, typed protobuf services, grpc.health.v1, and a
 * client for the generic service.
 */

export { encodeGrpcMessage, fromConnectError, grpcCodes } from "./code-map.js";
export type { CorsOptions } from "./cors.js";
export { Health } from "./gen/grpc/health/v1/health_pb.js";
export {
  type ErrorDetail,
  ErrorDetailSchema,
  type HandleRequest,
  HandleRequestSchema,
  type HandleResponse,
  HandleResponseSchema,
  WegoService,
} from "./gen/wego/v1/wego_pb.js";
export { createGrpcClient, type GrpcCallOptions, type GrpcClient, type GrpcClientOptions, type GrpcReply } from "./grpc-client.js";
export { type GrpcReason, grpcError } from "./grpc-errors.js";
export { createGrpcRouter, type GrpcRouter, type GrpcRouterOptions } from "./grpc-router.js";
export type { TlsOptions } from "./listen.js";
export type { ServiceTargets } from "./typed-service.js";
