import type { CallOptions, ClientTransport } from "./client.js";

/** What {@link grpcTransport} needs of a client of the generic service: `@wego/grpc`'s `createGrpcClient(…)` is one. */
export interface GenericServiceClient {
  call(
    route: string,
    payload?: unknown,
    options?: { timeoutMs?: number; signal?: AbortSignal; requestId?: string; meta?: Readonly<Record<string, string>> },
  ): Promise<unknown>;
  close(): void;
}

/**
 * Calls through the generic `wego.v1.WegoService/Handle` of `@wego/grpc`:
 * `grpcTransport(createGrpcClient({ baseUrl }))`. The gRPC client's retries,
 * deadlines and `WegoError`s apply.
 */
export function grpcTransport(client: GenericServiceClient): ClientTransport {
  return {
    call(route: string, input: unknown, call: CallOptions) {
      return client.call(route, input, call);
    },
    close() {
      client.close();
    },
  };
}
