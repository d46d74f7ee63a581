import type * as OtelApi from "@opentelemetry/api";
import type { Span, SpanKind, Tracer } from "@opentelemetry/api";
import { isBadInput } from "../errors/code.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";
import { lazyRequire } from "../lazy-require.js";

export interface TracingOptions {
  /** The tracer; default `trace.getTracer("@wego/core")` from the globally registered provider (none: no-op spans). */
  tracer?: Tracer;
}

function end(span: Span, code: string): void {
  span.setAttribute("wego.code", code);
  span.end();
}

/**
 * One OpenTelemetry span per invocation, named after the handler, child of
 * the caller's trace when `ctx.meta` carries one (`traceparent`, through the
 * registered propagator) and active while the endpoint runs, so spans made
 * inside (database, HTTP client) nest under it. Uses only
 * `@opentelemetry/api`: with no SDK registered it costs next to nothing;
 * the app picks and registers its SDK.
 *
 * @example
 * filters.chain(filters.tracing(), filters.response(), endpoint)
 */
export function tracing(options: TracingOptions = {}): Filter {
  // A ProxyTracer: it finds the SDK's tracer even when the SDK registers later.
  const { context: otelContext, propagation, SpanKind, SpanStatusCode, trace } = lazyRequire<typeof OtelApi>("@opentelemetry/api");
  const tracer = options.tracer ?? trace.getTracer("@wego/core");
  /** Span kind by transport: calls from a client are SERVER, jobs CONSUMER, timers and commands INTERNAL. */
  const kinds: Record<string, SpanKind> = {
    http: SpanKind.SERVER,
    grpc: SpanKind.SERVER,
    ws: SpanKind.SERVER,
    queue: SpanKind.CONSUMER,
  };
  return (next) =>
    function tracingFilter(ctx) {
      const parent = propagation.extract(otelContext.active(), ctx.meta);
      const span = tracer.startSpan(
        ctx.handler,
        {
          kind: kinds[ctx.transport] ?? SpanKind.INTERNAL,
          attributes: { "wego.handler": ctx.handler, "wego.route": ctx.route, "wego.transport": ctx.transport, "wego.request_id": ctx.id },
        },
        parent,
      );
      let p: Promise<unknown>;
      try {
        p = otelContext.with(trace.setSpan(parent, span), next, undefined, ctx);
      } catch (err) {
        p = Promise.reject(err);
      }
      return p.then(
        (value) => {
          end(span, "ok");
          return value;
        },
        (err: unknown) => {
          const e = WegoError.from(err);
          // A caller's mistake is not the server's error (as OpenTelemetry's RPC conventions say).
          if (!isBadInput(e.code)) {
            span.recordException(e);
            span.setStatus({ code: SpanStatusCode.ERROR, message: e.rawMessage });
          }
          end(span, e.code);
          throw err;
        },
      );
    };
}
