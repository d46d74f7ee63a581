// Issue 16 item 7: a job's run continues the trace of the request that
// pushed it (W3C traceparent through @opentelemetry/api's propagation, as
// the HTTP client sends it), and carries its request id.
import { randomBytes } from "node:crypto";
import {
  type Context as OtelContext,
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { type Context, createApp, filters } from "@wego/core";
import { invoke } from "@wego/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQueueProducer } from "./queue-producer.js";
import { createQueueRouter } from "./queue-router.js";
import { deletePrefix, eventually, testRedisUrl, uniquePrefix } from "./test-support.js";

/** What an SDK does that matters here: spans with ids, children inheriting the parent's trace id. */
function idTracer(): Tracer & { spans: Array<{ name: string; context: SpanContext; parent: SpanContext | undefined }> } {
  const spans: Array<{ name: string; context: SpanContext; parent: SpanContext | undefined }> = [];
  return {
    spans,
    startSpan(name, _options, parentContext) {
      const parent = parentContext === undefined ? undefined : trace.getSpanContext(parentContext);
      const context: SpanContext = {
        traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
        spanId: randomBytes(8).toString("hex"),
        traceFlags: 1,
      };
      spans.push({ name, context, parent });
      return trace.wrapSpanContext(context) as Span;
    },
    startActiveSpan: (() => {
      throw new Error("unused");
    }) as never,
  };
}

/** W3C traceparent, version 00, both ways. */
const w3c: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const sc = trace.getSpanContext(ctx);
    if (sc !== undefined) setter.set(carrier, "traceparent", `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`);
  },
  extract(ctx, carrier, getter) {
    const v = getter.get(carrier, "traceparent");
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec((Array.isArray(v) ? v[0] : v) ?? "");
    return m === null ? ctx : trace.setSpanContext(ctx, { traceId: m[1] as string, spanId: m[2] as string, traceFlags: 1, isRemote: true });
  },
  fields: () => ["traceparent"],
};

// The active context as a stack: enough here, since a push reads it before its first await.
let active: OtelContext = ROOT_CONTEXT;
const stackContext = {
  active: () => active,
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: OtelContext, fn: F, thisArg?: ThisParameterType<F>, ...args: A) {
    const outer = active;
    active = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      active = outer;
    }
  },
  bind: <T>(_ctx: OtelContext, target: T) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

const prefix = uniquePrefix("trace");
const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});
afterAll(() => deletePrefix(prefix));

/** An app whose `front` handler pushes a `back` job with its ctx; resolves the back run's context. */
async function frontAndBack(tracer?: Tracer) {
  const app = createApp({ name: "trace", logger: false, config: { env: {}, argv: [] } });
  const producer = createQueueProducer({ connection: testRedisUrl, queue: "trace", prefix });
  const withTracing = (endpoint: (ctx: Context) => Promise<unknown>) =>
    tracer === undefined ? endpoint : filters.chain(filters.tracing({ tracer }), endpoint);
  let back: Context | undefined;
  app.handler(
    "front",
    withTracing((ctx) => producer.push("back", { from: "front" }, { ctx })),
  );
  app.handler(
    "back",
    withTracing(async (ctx) => {
      back = ctx;
    }),
  );
  app.router("queue", createQueueRouter({ connection: testRedisUrl, queue: "trace", prefix }).route("back", "back"));
  await app.start();
  stops.push(async () => {
    await app.stop({ timeout: 2000 });
    await producer.close();
  });
  return {
    app,
    async run(meta: Record<string, string>, id: string): Promise<Context> {
      await invoke(app, "front", {}, { transport: "http", id, meta });
      expect(await eventually(() => back !== undefined, 5000)).toBe(true);
      return back as Context;
    },
  };
}

describe("a job pushed from a traced request", () => {
  beforeAll(() => {
    propagation.setGlobalPropagator(w3c);
    otelContext.setGlobalContextManager(stackContext);
  });
  afterAll(() => {
    propagation.disable();
    otelContext.disable();
  });

  it("runs as a child of the pushing request's span, in its trace, with its request id", async () => {
    const tracer = idTracer();
    const { run } = await frontAndBack(tracer);
    const back = await run({ traceparent: incoming }, "req-trace-1");
    const front = tracer.spans.find((s) => s.name === "front");
    const job = tracer.spans.find((s) => s.name === "back");
    expect(front?.context.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    // The job's span continues the front span's trace, as its child.
    expect(job?.context.traceId).toBe(front?.context.traceId);
    expect(job?.parent?.spanId).toBe(front?.context.spanId);
    expect(back.meta.traceparent).toBe(`00-${front?.context.traceId}-${front?.context.spanId}-01`);
    expect(back.id).toBe("req-trace-1");
    expect(back.transport).toBe("queue");
  });
});

describe("a job pushed with no OpenTelemetry SDK registered", () => {
  it("still carries the request's own traceparent and tracestate, and its request id", async () => {
    const { run } = await frontAndBack();
    const back = await run({ traceparent: incoming, tracestate: "vendor=x" }, "req-trace-2");
    expect(back.meta).toMatchObject({ traceparent: incoming, tracestate: "vendor=x", queue: "trace", attempt: "1" });
    expect(back.id).toBe("req-trace-2");
  });
});
