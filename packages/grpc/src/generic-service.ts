import type { App, Context, ResolvedHandler } from "@wego/core";
import { WegoError } from "@wego/core";
import type { CallInit, CallState, UnaryBinding } from "./call.js";
import { methodPath } from "./call.js";
import { type HandleRequest, type HandleResponse, WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcError } from "./grpc-errors.js";

type HandleMethod = typeof WegoService.method.handle;
type HandleResult = Pick<HandleResponse, "code" | "envelope">;

/**
 * The generic `wego.v1.WegoService/Handle`: the original Go wego's model (a
 * route and a JSON payload in, the envelope out), done right: an unknown
 * route or a payload that is not JSON fails with a status instead of being
 * ignored, every route keeps its own name on `ctx.route`, and a handler's
 * failure comes back as an envelope carrying its code.
 */
export function genericBinding(
  app: App,
  routes: ReadonlyMap<string, ResolvedHandler>,
): UnaryBinding<HandleMethod["input"], HandleMethod["output"]> {
  const method = WegoService.method.handle;
  const expose = !app.production;
  const envelope = app.envelope;

  const answer = (ctx: Context, result: unknown): HandleResult => ({
    code: "ok",
    envelope: JSON.stringify(envelope.ok(result, ctx)),
  });
  const fail = (ctx: Context, err: unknown): HandleResult => {
    const e = WegoError.from(err);
    // Refused before the handler ran: the caller should go elsewhere, so this
    // is a status (UNAVAILABLE), which the wego client retries.
    if (e.reason === "WEGO_ERR_APP_STOPPING") throw e;
    return { code: e.code, envelope: JSON.stringify(envelope.error(e, ctx, expose)) };
  };

  return {
    method,
    path: methodPath(method),
    call(input: HandleRequest, init: CallInit, state: CallState): Promise<HandleResult> {
      const target = routes.get(input.route);
      if (target === undefined) return Promise.reject(grpcError("WEGO_ERR_GRPC_ROUTE_UNKNOWN", input.route));
      let request: unknown;
      if (input.payload !== "") {
        try {
          request = JSON.parse(input.payload);
        } catch (err) {
          return Promise.reject(grpcError("WEGO_ERR_GRPC_PAYLOAD_INVALID", input.route, (err as Error).message));
        }
      }
      const ctx = app.context({
        transport: "grpc",
        route: input.route,
        handler: target.name,
        request,
        meta: init.meta,
        id: input.requestId || init.requestId,
        deadline: init.deadline,
        signal: init.signal,
      });
      state.ctx = ctx;
      return app.run(target.endpoint, ctx).then(
        (result) => {
          try {
            return answer(ctx, result);
          } catch (err) {
            return fail(ctx, grpcError("WEGO_ERR_GRPC_RESPONSE_INVALID", `route "${input.route}"`, (err as Error).message));
          }
        },
        (err: unknown) => fail(ctx, err),
      );
    },
  };
}
