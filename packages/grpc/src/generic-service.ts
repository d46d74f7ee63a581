import { type Context, defaultEnvelope, type Envelope, WegoError } from "@wego/core";
import { type Dispatcher, type Invocation, parseJson, type RouteTable } from "@wego/core/transport";
import { type CallInit, type CallReply, type GrpcRouteSpec, methodPath, refuseCall, type UnaryBinding } from "./call.js";
import { type HandleRequest, WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcError } from "./grpc-errors.js";

type HandleMethod = typeof WegoService.method.handle;

// The default envelope's success text starts so (see the dispatcher's fast path).
const OK_PREFIX = '{"code":"ok"';

/**
 * The generic `wego.v1.WegoService/Handle`: the original Go wego's model (a
 * route and a JSON payload in, the envelope out), done right. What never
 * reached a handler is a status: an unknown route (UNIMPLEMENTED), a payload
 * that is not JSON or breaks the input limits (INVALID_ARGUMENT, through
 * `parseJson`), a call refused while the app stops (UNAVAILABLE, which the
 * wego client retries). A handler's outcome, failure included, is the
 * app's envelope with its code. Every route keeps its own name on `ctx.route`.
 */
export function genericBinding(
  d: Dispatcher,
  table: RouteTable<GrpcRouteSpec>,
  envelope: Envelope,
): UnaryBinding<HandleMethod["input"], HandleMethod["output"]> {
  const method = WegoService.method.handle;
  const fast = envelope === defaultEnvelope;

  /** The envelope text and its code; a result JSON cannot carry is the handler's fault, answered `internal`. */
  function encodeOk(reply: CallReply<HandleMethod["output"]>, ctx: Context, result: unknown): void {
    if (fast) {
      // The dispatcher answers a result it cannot serialise with an error envelope (logged): read its code off the text.
      const text = d.encode(ctx, undefined, result);
      reply(undefined, { code: text.startsWith(OK_PREFIX) ? "ok" : "internal", envelope: text }, ctx);
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(d.envelope(ctx, undefined, result));
    } catch (err) {
      const e = grpcError.with({ cause: err })("WEGO_ERR_GRPC_RESPONSE_INVALID", `route "${ctx.route}"`, (err as Error).message);
      ctx.log.error({ err: e }, "grpc: the result of %s cannot be encoded", ctx.route);
      reply(undefined, { code: e.code, envelope: d.encode(ctx, e, undefined) }, ctx);
      return;
    }
    reply(undefined, { code: "ok", envelope: text }, ctx);
  }

  return {
    method,
    path: methodPath(method),
    invoke(input: HandleRequest, init: CallInit, reply) {
      const entry = table.get(input.route);
      if (entry === undefined || entry.spec.method !== undefined) {
        return refuseCall(d, input.route, init, grpcError("WEGO_ERR_GRPC_ROUTE_UNKNOWN", input.route), reply as CallReply);
      }
      const inv: Invocation = {
        meta: init.meta,
        id: input.requestId || init.id,
        deadline: init.deadline,
        signal: init.signal,
        admitted: init.admitted,
        checked: true,
      };
      if (input.payload !== "") {
        try {
          inv.request = parseJson(input.payload, d.limits);
        } catch (err) {
          return refuseCall(d, input.route, { ...init, id: inv.id }, WegoError.from(err), reply as CallReply);
        }
      }
      return d.dispatch(entry, inv, (ctx, error, result) => {
        if (error === undefined) encodeOk(reply, ctx, result);
        // Refused before the handler ran: the caller should go elsewhere, so this is a status.
        else if (error.reason === "WEGO_ERR_APP_STOPPING") reply(error, undefined, ctx);
        else reply(undefined, { code: error.code, envelope: d.encode(ctx, error, undefined) }, ctx);
      });
    },
  };
}
