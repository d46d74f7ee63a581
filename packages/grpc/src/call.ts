import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Context, Meta, WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";

/** What a protocol path knows about one call once its request message is decoded. */
export interface CallInit {
  /** Request metadata (HTTP/2 headers without pseudo-headers). */
  meta: Meta;
  /** The caller's `x-request-id`, as sent: dispatch adopts it only when it passes the request-id rule. */
  id: unknown;
  /** Absolute deadline from `grpc-timeout` / `connect-timeout-ms`. */
  deadline?: number | undefined;
  /** Aborts the call (connect's path); the lean gRPC path aborts the returned Context itself instead. */
  signal?: AbortSignal | undefined;
  /** The call was admitted (`dispatcher.admit()`) when its headers arrived: `invoke` consumes the admission. */
  admitted: boolean;
}

/** How a binding answers, exactly once, synchronously when the handler finished synchronously. */
export type CallReply<O extends DescMessage = DescMessage> = (
  error: WegoError | undefined,
  output: MessageShape<O> | MessageInitShape<O> | undefined,
  ctx: Context | undefined,
) => void;

/**
 * One unary method served by the router: the generic `wego.v1` service, a
 * typed method mapped to a handler, or health. Both protocol paths decode
 * the request message, call `invoke`, and encode what `reply` gets.
 */
export interface UnaryBinding<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  /** `/package.Service/Method`, the HTTP/2 `:path`. */
  readonly path: string;
  /** Run the call; returns the invocation's Context when one was made (the lean path aborts it when the stream closes). */
  invoke(input: MessageShape<I>, init: CallInit, reply: CallReply<O>): Context | undefined;
}

/** The `:path` of a method. */
export function methodPath(method: { parent: { typeName: string }; name: string }): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/**
 * Refuse a call before any handler ran (unknown route, bad payload…) through
 * the dispatcher, so the refusal gets the same request-id rule and logging as
 * an invocation; an admission the call held is given back.
 */
export function refuseCall(d: Dispatcher, route: string, init: CallInit, error: WegoError, reply: CallReply): Context {
  if (init.admitted) d.release();
  return d.refuse(route, { meta: init.meta, id: init.id }, error, (ctx, e) => reply(e, undefined, ctx));
}

/** What the router's route table holds per route: the typed method, or nothing for a route of the generic service. */
export interface GrpcRouteSpec {
  readonly method: DescMethodUnary | undefined;
}
