import { create, type DescMethod, type DescMethodUnary, type DescService, isMessage } from "@bufbuild/protobuf";
import type { Dispatcher, RouteEntry, RouteTarget } from "@wego/core/transport";
import { type CallInit, type CallReply, type GrpcRouteSpec, methodPath, type UnaryBinding } from "./call.js";
import { grpcError } from "./grpc-errors.js";

/** A handler name, typed handler or endpoint for each method of a service, keyed by the method's name (`echo` or `Echo`). */
export type ServiceTargets = Readonly<Record<string, RouteTarget>>;

/** The methods of `service` named in `targets`; unknown names and streaming methods fail here, at registration. */
export function methodsOf(service: DescService, targets: ServiceTargets): Array<[DescMethodUnary, RouteTarget]> {
  const out: Array<[DescMethodUnary, RouteTarget]> = [];
  for (const [name, target] of Object.entries(targets)) {
    const method: DescMethod | undefined = service.methods.find((m) => m.localName === name || m.name === name);
    if (method === undefined) {
      const known = service.methods.map((m) => m.localName).join(", ");
      throw grpcError("WEGO_ERR_GRPC_METHOD_UNKNOWN", service.typeName, name, known);
    }
    if (method.methodKind !== "unary") throw grpcError("WEGO_ERR_GRPC_METHOD_KIND", methodPath(method), method.methodKind);
    out.push([method as DescMethodUnary, target]);
  }
  return out;
}

/**
 * A typed method mapped to a handler: the request message is `ctx.request`
 * (dispatched unchecked, so dispatch walks it for depth and forbidden keys),
 * the handler's result (a message, or a plain object shaped like one, e.g.
 * what `ctx.response(k, v)` built) is the response, `ctx.route` is the full
 * method path, and a failure is a status with a wego.v1.ErrorDetail.
 */
export function typedBinding(d: Dispatcher, entry: RouteEntry<GrpcRouteSpec>): UnaryBinding {
  const method = entry.spec.method as DescMethodUnary;
  const path = entry.route;
  const output = method.output;
  return {
    method,
    path,
    invoke(input, init: CallInit, reply: CallReply) {
      return d.dispatch(
        entry,
        { request: input, meta: init.meta, id: init.id, deadline: init.deadline, signal: init.signal, admitted: init.admitted },
        (ctx, error, result) => {
          if (error !== undefined) return reply(error, undefined, ctx);
          if (isMessage(result, output)) return reply(undefined, result, ctx);
          let out: ReturnType<typeof create>;
          try {
            out = create(output, (result ?? {}) as Record<string, unknown>);
          } catch (err) {
            const e = grpcError.with({ cause: err })("WEGO_ERR_GRPC_RESPONSE_INVALID", path, (err as Error).message);
            ctx.log.error({ err: e }, "grpc: the result of %s cannot be encoded", path);
            return reply(e, undefined, ctx);
          }
          reply(undefined, out, ctx);
        },
      );
    },
  };
}
