import { type Code, catalogueError, type WegoError } from "@wego/core";

/**
 * The reasons @wego/grpc raises, each documented in docs/errors.md (package
 * column `grpc`): misuse of the router at registration or start, and the
 * caller mistakes the generic service reports instead of ignoring them.
 */
export const grpcCatalogue = {
  WEGO_ERR_GRPC_ROUTE_DUPLICATE: { code: "already_exists", message: 'gRPC route "%s" is registered twice' },
  WEGO_ERR_GRPC_METHOD_UNKNOWN: { code: "invalid_argument", message: 'service %s has no method "%s" (methods: %s)' },
  WEGO_ERR_GRPC_METHOD_KIND: { code: "invalid_argument", message: "method %s is %s: only unary methods map to handlers" },
  WEGO_ERR_GRPC_SERVICE_DUPLICATE: { code: "already_exists", message: "service %s is registered twice" },
  WEGO_ERR_GRPC_CORS: { code: "invalid_argument", message: "bad CORS options: %s" },
  WEGO_ERR_GRPC_TLS: { code: "invalid_argument", message: "TLS needs both a key and a certificate (%s)" },
  WEGO_ERR_GRPC_METHOD_UNIMPLEMENTED: { code: "unimplemented", message: "no gRPC method %s on this server" },
  WEGO_ERR_GRPC_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no gRPC route "%s"' },
  WEGO_ERR_GRPC_PAYLOAD_INVALID: { code: "invalid_argument", message: 'payload of route "%s" is not valid JSON: %s' },
  WEGO_ERR_GRPC_RESPONSE_INVALID: { code: "internal", message: "cannot encode the response of %s: %s" },
  WEGO_ERR_GRPC_ENVELOPE_INVALID: { code: "data_loss", message: 'the envelope answered for route "%s" is not valid JSON: %s' },
} as const satisfies Record<string, { code: Code; message: string }>;

export type GrpcReason = keyof typeof grpcCatalogue;

/** Build the catalogued error `reason`, filling `%s` in order with `args`. */
export function grpcError(reason: GrpcReason, ...args: unknown[]): WegoError {
  return catalogueError(grpcCatalogue, reason, args);
}
