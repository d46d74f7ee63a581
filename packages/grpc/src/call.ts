import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Context, Meta } from "@wego/core";

/** What a transport knows about one call before the handler runs. */
export interface CallInit {
  /** Request metadata (HTTP/2 headers without pseudo-headers). */
  meta: Meta;
  /** The caller's request id (`x-request-id`). */
  requestId?: string | undefined;
  /** Absolute deadline from `grpc-timeout` / `connect-timeout-ms`. */
  deadline?: number | undefined;
  /** Aborts the call (client gone); the lean gRPC path aborts `state.ctx` itself instead. */
  signal?: AbortSignal | undefined;
}

/** Per-call state a binding fills in so the transport can reach the Context (to abort it). */
export interface CallState {
  ctx: Context | undefined;
}

/**
 * One unary method served by the router: the generic `wego.v1` service, a
 * typed method mapped to a handler, or health. Transports decode the input,
 * call `call`, and encode what it resolves; a rejection is a WegoError.
 */
export interface UnaryBinding<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  /** `/package.Service/Method`, the HTTP/2 `:path`. */
  readonly path: string;
  call(input: MessageShape<I>, init: CallInit, state: CallState): Promise<MessageShape<O> | MessageInitShape<O>>;
}

/** The `:path` of a method. */
export function methodPath(method: { parent: { typeName: string }; name: string }): string {
  return `/${method.parent.typeName}/${method.name}`;
}
