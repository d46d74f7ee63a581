import { create, type DescMethod, type DescMethodUnary, type DescService, isMessage } from "@bufbuild/protobuf";
import type { App, Endpoint } from "@wego/core";
import type { CallInit, CallState, UnaryBinding } from "./call.js";
import { methodPath } from "./call.js";
import { grpcError } from "./grpc-errors.js";

/** A handler name or endpoint for each method of a service, keyed by the method's name (`echo` or `Echo`). */
export type ServiceTargets = Readonly<Record<string, string | Endpoint>>;

/** The methods of `service` named in `targets`; unknown names and streaming methods fail here, at registration. */
export function methodsOf(service: DescService, targets: ServiceTargets): Array<[DescMethodUnary, string | Endpoint]> {
  const out: Array<[DescMethodUnary, string | Endpoint]> = [];
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
 * A typed method mapped to a handler: the request message is `ctx.request`,
 * the handler's result (a message, or a plain object shaped like one, e.g.
 * what `ctx.response(k, v)` built) is the response, `ctx.route` is the full
 * method path, and a failure is a status with a wego.v1.ErrorDetail.
 */
export function typedBinding(app: App, method: DescMethodUnary, target: string | Endpoint): UnaryBinding {
  const path = methodPath(method);
  const { name, endpoint } = app.resolve(target, path);
  const output = method.output;
  const toOutput = (result: unknown) => {
    if (isMessage(result, output)) return result;
    try {
      return create(output, (result ?? {}) as Record<string, unknown>);
    } catch (err) {
      throw grpcError("WEGO_ERR_GRPC_RESPONSE_INVALID", path, (err as Error).message);
    }
  };
  return {
    method,
    path,
    call(input, init: CallInit, state: CallState) {
      const ctx = app.context({
        transport: "grpc",
        route: path,
        handler: name,
        request: input,
        meta: init.meta,
        id: init.requestId,
        deadline: init.deadline,
        signal: init.signal,
      });
      state.ctx = ctx;
      return app.run(endpoint, ctx).then(toOutput);
    },
  };
}
