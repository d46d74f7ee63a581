import type { Code } from "@wego/core";
import { defineErrors } from "@wego/core/transport";

/**
 * The reasons @wego/grpc raises, each documented in docs/errors.md (package
 * column `grpc`): misuse of the router at registration or start, the caller
 * mistakes the generic service reports instead of ignoring them, and what the
 * client cannot read. Duplicate and late routes are core's
 * (`WEGO_ERR_ROUTE_DUPLICATE`, `WEGO_ERR_ROUTE_LATE`), and so is a payload
 * that is not JSON or breaks the input limits (`WEGO_ERR_INPUT_*`).
 */
const grpcCatalogue = {
  WEGO_ERR_GRPC_METHOD_UNKNOWN: { code: "invalid_argument", message: 'service %s has no method "%s" (methods: %s)' },
  WEGO_ERR_GRPC_METHOD_KIND: { code: "invalid_argument", message: "method %s is %s: only unary methods map to handlers" },
  WEGO_ERR_GRPC_SERVICE_RESERVED: { code: "already_exists", message: "service %s is built into the router and cannot be mapped" },
  WEGO_ERR_GRPC_CORS: { code: "invalid_argument", message: "bad CORS options: %s" },
  WEGO_ERR_GRPC_TLS: { code: "invalid_argument", message: "TLS needs both a key and a certificate (%s)" },
  WEGO_ERR_GRPC_METHOD_UNIMPLEMENTED: { code: "unimplemented", message: "no gRPC method %s on this server" },
  WEGO_ERR_GRPC_ROUTE_UNKNOWN: { code: "unimplemented", message: 'no gRPC route "%s"' },
  WEGO_ERR_GRPC_RESPONSE_INVALID: { code: "internal", message: "cannot encode the response of %s: %s" },
  WEGO_ERR_GRPC_ENVELOPE_INVALID: { code: "data_loss", message: 'the envelope answered for route "%s" is not valid JSON: %s' },
} as const satisfies Record<string, { code: Code; message: string }>;

/** Build the catalogued error `reason`, filling `%s` in order with `args`; `grpcError.table` is the catalogue. */
export const grpcError = defineErrors(grpcCatalogue);

/** A reason @wego/grpc raises. */
export type GrpcReason = keyof typeof grpcCatalogue;
