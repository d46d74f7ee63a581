import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { createApp } from "@wego/core";
import { type ConformanceDriver, type ConformanceReply, describeRouterConformance } from "@wego/core/testing/conformance";
import { expect, it } from "vitest";
import { fromConnectError, grpcCodes } from "./code-map.js";
import { HandleRequestSchema, HandleResponseSchema, WegoService } from "./gen/wego/v1/wego_pb.js";
import { createGrpcRouter, type GrpcRouter } from "./grpc-router.js";
import { grpcFrame, slowCall, wireStatus } from "./test-helpers.js";

/** A reply of the generic service as the suite reads it: the envelope, or the status a refusal carried. */
function fromEnvelope(envelope: string): ConformanceReply {
  const env = JSON.parse(envelope) as ConformanceReply & { requestId?: string };
  return {
    code: env.code,
    data: env.data,
    ...(env.message ? { message: env.message } : {}),
    ...(env.requestId ? { requestId: env.requestId } : {}),
    ...(env.reason ? { reason: env.reason } : {}),
    ...(env.details === undefined ? {} : { details: env.details }),
  };
}

function fromStatus(err: unknown): ConformanceReply {
  const e = fromConnectError(err);
  return {
    code: e.code,
    message: e.rawMessage,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.details === undefined ? {} : { details: e.details }),
  };
}

// Every route is a route of the generic wego.v1 service: the input goes as its JSON payload, the request id as
// x-request-id metadata, the deadline as grpc-timeout (connect-es's gRPC transport), refusals come back as statuses.
describeRouterConformance("grpc", (): ConformanceDriver => {
  let router: GrpcRouter | undefined;
  let sessions: Http2SessionManager | undefined;
  let client: Client<typeof WegoService> | undefined;
  const baseUrl = () => `http://127.0.0.1:${router?.port}`;
  const handle = async (route: string, payload: string, options?: { requestId?: string; timeoutMs?: number }) => {
    if (client === undefined) {
      sessions = new Http2SessionManager(baseUrl());
      client = createClient(WegoService, createGrpcTransport({ baseUrl: baseUrl(), sessionManager: sessions }));
    }
    try {
      const r = await client.handle(
        { route, payload },
        {
          headers: options?.requestId === undefined ? {} : { "x-request-id": options.requestId },
          ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        },
      );
      return fromEnvelope(r.envelope);
    } catch (err) {
      return fromStatus(err);
    }
  };
  return {
    transport: "grpc",
    mount(app, routes) {
      router = createGrpcRouter({ port: 0 });
      for (const r of routes) router.route(r, r);
      app.router("grpc", router);
    },
    register(route, target) {
      router?.route(route, target);
    },
    call: (route, input, options) => handle(route, input === undefined ? "" : JSON.stringify(input), options),
    callRaw: (route, json) => handle(route, json),
    // node:http2 by hand: the headers and the first half of the enveloped request now, the rest on finish().
    async callSlowly(route, input) {
      const session = http2.connect(baseUrl());
      const body = grpcFrame(toBinary(HandleRequestSchema, create(HandleRequestSchema, { route, payload: JSON.stringify(input) })));
      const half = body.length >> 1;
      const call = await slowCall(session, "/wego.v1.WegoService/Handle", body.subarray(0, half));
      // Let the server see the headers and the first bytes before the suite starts stopping.
      await new Promise((r) => setTimeout(r, 50));
      return {
        async finish() {
          const a = await call.finish(body.subarray(half));
          session.close();
          const status = wireStatus(a);
          if (status !== 0) return { code: grpcCodes.fromWire(status), message: String(a.headers["grpc-message"]) };
          return fromEnvelope(fromBinary(HandleResponseSchema, a.body.subarray(5)).envelope);
        },
      };
    },
    close() {
      sessions?.abort();
      client = undefined;
      sessions = undefined;
    },
  };
});

// Listings (`--list`, logs) name the handler behind an `app.handler("x")` reference, before start.
it("lists each route with the handler it points at, references included", () => {
  const app = createApp({ logger: false, config: { env: {}, argv: [] } });
  expect(createGrpcRouter({ port: 0 }).route("Two", app.handler("two")).route("One", "one").routes()).toEqual([
    { route: "Two", handler: "two" },
    { route: "One", handler: "one" },
  ]);
});
