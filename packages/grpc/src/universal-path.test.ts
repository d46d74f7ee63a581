// Issue 16 item 1: answers on connect's path (compressed calls, application/grpc+json) kept their
// status only when the request body had been read to its end. A stock grpc-js client with
// compression on got "13 Received RST_STREAM with code 0": the stream was closed right after
// end(), before the trailers went out.

import http2 from "node:http2";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcFrame, startApp, wireCall, wireStatus } from "./test-helpers.js";

const protoDir = fileURLToPath(new URL("../proto", import.meta.url));
const definition = protoLoader.loadSync(["wego/v1/wego.proto", "wego/testing/v1/echo.proto"], { includeDirs: [protoDir], defaults: true });
// biome-ignore lint/suspicious/noExplicitAny: grpc-js builds these constructors at run time
const loaded = grpc.loadPackageDefinition(definition) as any;

type Callback = (err: grpc.ServiceError | null, res: unknown) => void;

/** One unary call of a grpc-js client; resolves the response or the ServiceError. */
function unary(client: grpc.Client, method: string, req: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    (client as unknown as Record<string, (r: unknown, cb: Callback) => void>)[method]?.call(
      client,
      req,
      (err: grpc.ServiceError | null, res: unknown) => resolve(err ?? res),
    );
  });
}

describe("connect's path keeps the status of every answer", () => {
  let started: Awaited<ReturnType<typeof startApp>>;
  let wego: grpc.Client;
  let echo: grpc.Client;
  let deflating: grpc.Client;
  let session: http2.ClientHttp2Session;

  beforeAll(async () => {
    started = await startApp();
    const addr = `127.0.0.1:${started.router.port}`;
    // grpc-js's compression algorithms: 1 = deflate (the reproduction), 2 = gzip. Every request
    // message is then compressed, so the call takes connect's path.
    deflating = new loaded.wego.v1.WegoService(addr, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 1 });
    const gzip = { "grpc.default_compression_algorithm": 2 };
    wego = new loaded.wego.v1.WegoService(addr, grpc.credentials.createInsecure(), gzip);
    echo = new loaded.wego.testing.v1.EchoService(addr, grpc.credentials.createInsecure(), gzip);
    session = http2.connect(started.baseUrl);
  });
  afterAll(async () => {
    for (const c of [wego, echo, deflating]) c.close();
    session.close();
    await started.app.stop();
  });

  it("answers the issue's call (grpc-js, compression 1 = deflate) with the real status, not 13 RST_STREAM", async () => {
    // The reproduction: route "Two" is not a route of this app (routes are case-sensitive).
    const err = (await unary(deflating, "Handle", { route: "Two", payload: "{}" })) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(err.details).toContain("Two");
    const ok = (await unary(deflating, "Handle", { route: "two", payload: '{"n":3}' })) as { code: string; envelope: string };
    expect(JSON.parse(ok.envelope)).toMatchObject({ code: "ok", data: { one: 1, two: 3 } });
    const failed = (await unary(deflating, "Handle", { route: "fail", payload: "{}" })) as { code: string };
    expect(failed.code).toBe("not_found");
  });

  it("answers a grpc-js client with gzip compression on: results, envelopes and statuses", async () => {
    const ok = (await unary(wego, "Handle", { route: "two", payload: '{"n":3}' })) as { code: string; envelope: string };
    expect(ok.code).toBe("ok");
    expect(JSON.parse(ok.envelope)).toMatchObject({ code: "ok", data: { one: 1, two: 3 } });
    const failed = (await unary(wego, "Handle", { route: "fail", payload: "{}" })) as { code: string };
    expect(failed.code).toBe("not_found");
    expect(await unary(wego, "Handle", { route: "Two", payload: "{}" })).toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    expect(await unary(wego, "Handle", { route: "two", payload: "{nope" })).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(await unary(echo, "Echo", { msg: "fail" })).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: "not you" });
    expect(await unary(echo, "Echo", { msg: "hi", n: 1 })).toMatchObject({ msg: "hi", n: 2 });
  });

  it("answers an unsupported grpc-encoding (br2) with a grpc-status, by hand over node:http2", async () => {
    const a = await wireCall(session, "/wego.v1.WegoService/Handle", grpcFrame(Buffer.from("not really br2"), 1), {
      "grpc-encoding": "br2",
    });
    expect(a.headers[":status"]).toBe(200);
    expect(wireStatus(a)).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("answers application/grpc+json with bad JSON with a grpc-status, by hand over node:http2", async () => {
    const a = await wireCall(session, "/wego.v1.WegoService/Handle", grpcFrame(Buffer.from('{"route": "two", ')), {
      "content-type": "application/grpc+json",
    });
    expect(a.headers[":status"]).toBe(200);
    expect(Number.isInteger(wireStatus(a))).toBe(true);
    expect(wireStatus(a)).not.toBe(0);
    const good = await wireCall(session, "/wego.v1.WegoService/Handle", grpcFrame(Buffer.from('{"route":"two","payload":"{\\"n\\":8}"}')), {
      "content-type": "application/grpc+json",
    });
    expect(wireStatus(good)).toBe(0);
    expect(JSON.parse(JSON.parse(good.body.subarray(5).toString()).envelope)).toMatchObject({ data: { one: 1, two: 8 } });
  });
});
