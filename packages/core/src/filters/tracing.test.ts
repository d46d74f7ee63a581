import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context as OtelContext,
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { tracing } from "./tracing.js";

interface Recorded {
  name: string;
  options: SpanOptions;
  parentTraceId: string | undefined;
  attributes: Record<string, unknown>;
  status?: { code: SpanStatusCode };
  exceptions: unknown[];
  ended: boolean;
  span: Span;
}

/** What an SDK would do, reduced to recording what the filter asked for. */
function recordingTracer(): Tracer & { spans: Recorded[] } {
  const spans: Recorded[] = [];
  const startSpan = (name: string, options: SpanOptions = {}, parent?: OtelContext): Span => {
    const parentSpan = parent ? trace.getSpan(parent) : undefined;
    const traceId = parentSpan?.spanContext().traceId ?? "0af7651916cd43dd8448eb211c80319c";
    const rec = {
      name,
      options,
      parentTraceId: parentSpan?.spanContext().traceId,
      attributes: {},
      exceptions: [],
      ended: false,
    } as unknown as Recorded;
    const span = {
      spanContext: () => ({ traceId, spanId: `b7ad6b7169203${String(spans.length).padStart(3, "0")}`, traceFlags: 1 }),
      setAttribute: (k: string, v: unknown) => {
        rec.attributes[k] = v;
        return span;
      },
      setAttributes: () => span,
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: (s: { code: SpanStatusCode }) => {
        rec.status = s;
        return span;
      },
      updateName: () => span,
      end: () => {
        rec.ended = true;
      },
      isRecording: () => true,
      recordException: (e: unknown) => void rec.exceptions.push(e),
    } as unknown as Span;
    rec.span = span;
    spans.push(rec);
    return span;
  };
  return {
    spans,
    startSpan,
    startActiveSpan: (() => {
      throw new Error("unused");
    }) as never,
  };
}

/** A W3C-ish propagator reading only `traceparent`, and an AsyncLocalStorage context manager. */
const propagator: TextMapPropagator = {
  inject: () => {},
  extract(ctx, carrier, getter) {
    const header = getter.get(carrier, "traceparent");
    const value = Array.isArray(header) ? header[0] : header;
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(value ?? "");
    if (!m) return ctx;
    return trace.setSpanContext(ctx, { traceId: m[1] as string, spanId: m[2] as string, traceFlags: 1, isRemote: true });
  },
  fields: () => ["traceparent"],
};
const als = new AsyncLocalStorage<OtelContext>();
const contextManager = {
  active: () => als.getStore() ?? ROOT_CONTEXT,
  with: <A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: OtelContext,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ) => als.run(ctx, () => fn.call(thisArg, ...args)),
  bind: <T>(_ctx: OtelContext, target: T) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

beforeAll(() => {
  propagation.setGlobalPropagator(propagator);
  otelContext.setGlobalContextManager(contextManager);
});
afterAll(() => {
  propagation.disable();
  otelContext.disable();
});

const newApp = () => createApp({ logger: false, config: { env: {}, argv: [] } });

describe("filters.tracing", () => {
  it("one span per invocation, named after the handler, with wego attributes and the code", async () => {
    const tracer = recordingTracer();
    const app = newApp();
    app.handler(
      "order.create",
      filters.chain(tracing({ tracer }), async () => "ok"),
    );
    await invoke(app, "order.create", {}, { transport: "http", id: "req-9" });
    expect(tracer.spans).toHaveLength(1);
    const s = tracer.spans[0] as Recorded;
    expect(s.name).toBe("order.create");
    expect(s.options.kind).toBe(SpanKind.SERVER);
    expect(s.options.attributes).toMatchObject({ "wego.handler": "order.create", "wego.transport": "http", "wego.request_id": "req-9" });
    expect(s.attributes["wego.code"]).toBe("ok");
    expect(s.ended).toBe(true);
    expect(s.status).toBeUndefined();
  });

  it("continues the caller's trace from traceparent, and is the active span inside the endpoint", async () => {
    const tracer = recordingTracer();
    const app = newApp();
    let active: Span | undefined;
    app.handler(
      "child",
      filters.chain(tracing({ tracer }), async () => {
        await new Promise((r) => setTimeout(r, 1));
        active = trace.getActiveSpan();
      }),
    );
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await invoke(app, "child", {}, { transport: "queue", meta: { traceparent } });
    const s = tracer.spans[0] as Recorded;
    expect(s.parentTraceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(s.options.kind).toBe(SpanKind.CONSUMER);
    expect(active).toBe(s.span);
  });

  it("server faults mark the span as an error; a caller's mistake does not", async () => {
    const tracer = recordingTracer();
    const app = newApp();
    const throwing = (code: "internal" | "invalid_argument") =>
      filters.chain(tracing({ tracer }), async () => {
        throw new WegoError(code, "x");
      });
    await invoke(app, throwing("internal")).catch(() => {});
    await invoke(app, throwing("invalid_argument")).catch(() => {});
    const [fault, mistake] = tracer.spans as [Recorded, Recorded];
    expect(fault.status?.code).toBe(SpanStatusCode.ERROR);
    expect(fault.exceptions).toHaveLength(1);
    expect(fault.attributes["wego.code"]).toBe("internal");
    expect(mistake.status).toBeUndefined();
    expect(mistake.attributes["wego.code"]).toBe("invalid_argument");
    expect(mistake.ended && fault.ended).toBe(true);
  });

  it("with no SDK registered, the default tracer is a harmless no-op", async () => {
    const app = newApp();
    expect(
      await invoke(
        app,
        filters.chain(tracing(), async () => 5),
      ),
    ).toBe(5);
  });
});
