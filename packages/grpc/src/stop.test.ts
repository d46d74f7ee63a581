import http2 from "node:http2";
import net from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import type { App } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { fromConnectError } from "./code-map.js";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { HandleRequestSchema, HandleResponseSchema, WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcFrame, slowCall, startApp, wireStatus } from "./test-helpers.js";

const protocols: Record<string, (baseUrl: string) => Transport> = {
  "gRPC (HTTP/2)": (baseUrl) => createGrpcTransport({ baseUrl }),
  "gRPC-Web (HTTP/2)": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "2" }),
  "Connect (HTTP/1.1)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
};

describe("graceful stop", () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop({ timeout: 1000 });
    app = undefined;
  });

  it("lets calls in flight on every protocol finish, and refuses new ones", async () => {
    let entered = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const started = await startApp({}, (a, router) => {
      a.handler("gate", async (ctx) => {
        entered++;
        await gate;
        return { finished: ctx.route };
      });
      router.route("gate", "gate");
    });
    app = started.app;
    const calls = Object.values(protocols).map((make) =>
      createClient(WegoService, make(started.baseUrl)).handle({ route: "gate", payload: "{}" }),
    );
    await expect.poll(() => entered, { timeout: 2000 }).toBe(3);
    const stopping = started.app.stop({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await createClient(WegoService, createGrpcTransport({ baseUrl: started.baseUrl }))
      .handle({ route: "echo", payload: "{}" })
      .catch((e: unknown) => fromConnectError(e));
    expect(refused).toMatchObject({ code: "unavailable" });
    release();
    for (const r of await Promise.all(calls)) expect(JSON.parse(r.envelope)).toMatchObject({ code: "ok", data: { finished: "gate" } });
    await stopping;
    expect(started.app.state).toBe("stopped");
  });

  // Issue 15: such a call got UNAVAILABLE (WEGO_ERR_APP_STOPPING) on the gRPC port.
  it.each([
    ["the lean gRPC path", {}, (m: Buffer) => grpcFrame(m)],
    ["connect's path (gzip)", { "grpc-encoding": "gzip" }, (m: Buffer) => grpcFrame(gzipSync(m), 1)],
  ] as const)("serves a call whose request body was still arriving at stop, on %s", async (_name, headers, enframe) => {
    const started = await startApp();
    app = started.app;
    const session = http2.connect(started.baseUrl);
    const body = enframe(Buffer.from(toBinary(HandleRequestSchema, create(HandleRequestSchema, { route: "two", payload: '{"n":4}' }))));
    const call = await slowCall(session, "/wego.v1.WegoService/Handle", body.subarray(0, 3), headers);
    await new Promise((r) => setTimeout(r, 50));
    const stopping = started.app.stop({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const a = await call.finish(body.subarray(3));
    session.close();
    expect(wireStatus(a)).toBe(0);
    const res = fromBinary(HandleResponseSchema, (a.body[0] as number) & 1 ? gunzipSync(a.body.subarray(5)) : a.body.subarray(5));
    expect(JSON.parse(res.envelope)).toMatchObject({ code: "ok", data: { one: 1, two: 4 } });
    await stopping;
  });

  it.each(Object.entries(protocols))("is prompt after refusing an oversized message over %s", async (_name, make) => {
    const started = await startApp({ readMaxBytes: 64 * 1024 });
    app = started.app;
    const err = await createClient(EchoService, make(started.baseUrl))
      .echo({ msg: "big", blob: new Uint8Array(1_000_000) })
      .catch((e: unknown) => fromConnectError(e));
    expect(err).toMatchObject({ code: "resource_exhausted" });
    const t0 = Date.now();
    await started.app.stop({ timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("does not wait for a connection that never sent a byte", async () => {
    const started = await startApp();
    app = started.app;
    const socket = net.connect(started.router.port as number, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const t0 = Date.now();
    await started.app.stop({ timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(1000);
    socket.destroy();
  });

  it("aborts what still runs at the deadline, answers it unavailable, and closes the connections", async () => {
    const started = await startApp({}, (a, router) => {
      a.handler("stuck", (ctx) => {
        started.seen.ctx = ctx;
        return new Promise(() => {}); // ignores its signal
      });
      router.route("stuck", "stuck");
    });
    app = started.app;
    const call = createClient(WegoService, createGrpcTransport({ baseUrl: started.baseUrl }))
      .handle({ route: "stuck", payload: "{}" })
      .catch((e: unknown) => fromConnectError(e));
    await expect.poll(() => started.seen.ctx?.route, { timeout: 2000 }).toBe("stuck");
    const t0 = Date.now();
    await started.app.stop({ timeout: 200 });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(started.seen.ctx?.aborted).toBe(true);
    expect(started.seen.ctx?.signal.reason).toMatchObject({ reason: "WEGO_ERR_SHUTDOWN_DEADLINE" });
    const answer = await call;
    expect(JSON.parse((answer as { envelope: string }).envelope)).toMatchObject({
      code: "unavailable",
      reason: "WEGO_ERR_SHUTDOWN_DEADLINE",
    });
  });
});
