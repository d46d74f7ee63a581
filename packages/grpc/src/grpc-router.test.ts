import { type Client, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import type { App } from "@wego/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromConnectError } from "./code-map.js";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { type Seen, startApp } from "./test-helpers.js";

// connect-es's own transports, one per protocol the router serves on its one port.
const transports: Record<string, (baseUrl: string) => Transport> = {
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
  "grpc-web": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "2" }),
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" }),
  "connect (JSON)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: false }),
};

const readMaxBytes = 64 * 1024;

describe.each(Object.entries(transports))("over %s", (_name, makeTransport) => {
  let app: App;
  let seen: Seen;
  let wego: Client<typeof WegoService>;
  let echo: Client<typeof EchoService>;

  beforeAll(async () => {
    const started = await startApp({ readMaxBytes });
    app = started.app;
    seen = started.seen;
    const transport = makeTransport(started.baseUrl);
    wego = createClient(WegoService, transport);
    echo = createClient(EchoService, transport);
  });
  afterAll(() => app.stop());

  const envelopeOf = (r: { envelope: string }) => JSON.parse(r.envelope) as Record<string, unknown>;

  it("generic: a route and a JSON payload in, the envelope out (the seed's service chain)", async () => {
    const r = await wego.handle({ route: "two", payload: JSON.stringify({ n: 5 }), requestId: "req-two" });
    expect(r.code).toBe("ok");
    expect(envelopeOf(r)).toEqual({ code: "ok", message: "ok", data: { one: 1, two: 5 }, requestId: "req-two" });
  });

  it("generic: an empty payload is no input", async () => {
    const r = await wego.handle({ route: "echo" });
    expect(envelopeOf(r)).toMatchObject({ code: "ok", data: { input: null, route: "echo" } });
  });

  it("generic: a handler's failure is an envelope with its code, reason and details", async () => {
    const r = await wego.handle({ route: "fail", payload: "{}" });
    expect(r.code).toBe("not_found");
    expect(envelopeOf(r)).toMatchObject({ code: "not_found", message: "no such user", reason: "USER_MISSING", details: { id: 7 } });
    const crash = await wego.handle({ route: "crash", payload: "{}" });
    expect(crash.code).toBe("internal");
    expect(crash.envelope).not.toContain("hunter2");
  });

  it("generic: an unknown route is UNIMPLEMENTED, a payload that is not JSON INVALID_ARGUMENT; both reported, then serving on", async () => {
    const unknown = await wego.handle({ route: "nope", payload: "{}" }).catch((e: unknown) => fromConnectError(e));
    expect(unknown).toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_GRPC_ROUTE_UNKNOWN" });
    const bad = await wego.handle({ route: "echo", payload: "{not json" }).catch((e: unknown) => fromConnectError(e));
    expect(bad).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_INPUT_NOT_JSON" });
    expect((bad as Error).message).toContain("not valid JSON");
    expect((await wego.handle({ route: "echo", payload: "1" })).code).toBe("ok");
  });

  it("puts metadata on ctx.meta and takes the caller's request id", async () => {
    const r = await wego.handle({ route: "echo", payload: "{}" }, { headers: { "x-tenant": "acme", "x-request-id": "rid-hdr" } });
    expect(envelopeOf(r)).toMatchObject({ requestId: "rid-hdr" });
    expect(seen.ctx?.meta["x-tenant"]).toBe("acme");
    expect(seen.ctx?.meta[":path"]).toBeUndefined();
    expect(seen.ctx?.transport).toBe("grpc");
    const other = await wego.handle({ route: "echo", payload: "{}" });
    expect(envelopeOf(other).requestId).not.toBe("rid-hdr");
  });

  it("typed: the request message is ctx.request, the handler's result the response message", async () => {
    const blob = new Uint8Array([1, 2, 3]);
    const r = await echo.echo({ msg: "hi", n: 41, blob }, { headers: { "x-request-id": "typed-1" } });
    expect(r.msg).toBe("hi");
    expect(r.n).toBe(42);
    expect([...r.blob]).toEqual([1, 2, 3]);
    expect(seen.ctx?.route).toBe("/wego.testing.v1.EchoService/Echo");
    expect(seen.ctx?.handler).toBe("typedEcho");
    expect(seen.ctx?.id).toBe("typed-1");
    expect((seen.ctx?.request as { $typeName?: string } | undefined)?.$typeName).toBe("wego.testing.v1.EchoRequest");
  });

  it("typed: a failure is its gRPC status with reason, details and request id", async () => {
    const err = await echo.echo({ msg: "fail" }, { headers: { "x-request-id": "typed-fail" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(7);
    const w = fromConnectError(err);
    expect(w).toMatchObject({ code: "permission_denied", rawMessage: "not you", reason: "NOPE", details: ["a"] });
    const crash = fromConnectError(await echo.echo({ msg: "crash" }).catch((e: unknown) => e));
    expect(crash.code).toBe("internal");
    expect(crash.rawMessage).not.toContain("hunter2");
  });

  it("an unknown method is UNIMPLEMENTED", async () => {
    const err = await (async () => {
      for await (const _ of echo.count({ n: 1 })) {
        // unreachable: Count is not mapped
      }
    })().catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(12);
  });

  it("the caller's deadline fires ctx.signal; the caller gets DEADLINE_EXCEEDED; serving goes on", async () => {
    seen.abortReason = undefined;
    const err = await wego.handle({ route: "wait", payload: "{}" }, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(4);
    await expect.poll(() => seen.abortReason, { timeout: 2000 }).toBeDefined();
    expect(["deadline_exceeded", "cancelled"]).toContain((seen.abortReason as { code: string }).code);
    expect(seen.ctx?.deadline).toBeTypeOf("number");
    expect((await wego.handle({ route: "echo", payload: "{}" })).code).toBe("ok");
  });

  it("a cancelled call fires ctx.signal", async () => {
    seen.abortReason = undefined;
    const ac = new AbortController();
    const call = wego.handle({ route: "wait", payload: "{}" }, { signal: ac.signal }).catch((e: unknown) => e);
    await expect.poll(() => seen.ctx?.route === "wait" && seen.ctx.aborted === false, { timeout: 2000 }).toBe(true);
    ac.abort();
    expect(ConnectError.from(await call).code).toBe(1);
    await expect.poll(() => (seen.abortReason as { code?: string } | undefined)?.code, { timeout: 2000 }).toBe("cancelled");
  });

  it("a message over readMaxBytes is RESOURCE_EXHAUSTED; serving goes on", async () => {
    const err = await echo.echo({ msg: "big", blob: new Uint8Array(readMaxBytes + 10) }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(8);
    expect((await echo.echo({ msg: "small", n: 1 })).n).toBe(2);
  });
});
