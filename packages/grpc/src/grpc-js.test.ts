// The second, independent client: @grpc/grpc-js loading the .proto files
// with @grpc/proto-loader (what NestJS's gRPC transport runs on).
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { App } from "@wego/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Seen, startApp } from "./test-helpers.js";

const protoDir = fileURLToPath(new URL("../proto", import.meta.url));
const definition = protoLoader.loadSync(["wego/v1/wego.proto", "wego/testing/v1/echo.proto", "grpc/health/v1/health.proto"], {
  includeDirs: [protoDir],
  defaults: true,
  longs: String,
  enums: String,
});
// biome-ignore lint/suspicious/noExplicitAny: grpc-js builds these constructors at run time
const loaded = grpc.loadPackageDefinition(definition) as any;

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/** Promise a unary call of a grpc-js client. */
function unary<T>(
  client: grpc.Client,
  method: string,
  req: unknown,
  meta: Record<string, string | Buffer> = {},
  opts: grpc.CallOptions = {},
) {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(meta)) md.set(k, v);
  return new Promise<T>((resolve, reject) => {
    ((client as unknown as Record<string, Unary>)[method] as Unary).call(client, req, md, opts, (err, res) =>
      err ? reject(err) : resolve(res as T),
    );
  });
}

/** A raw unary call: `bytes` is the request message as sent (lets us send garbage). */
function raw(client: grpc.Client, path: string, bytes: Buffer, opts: grpc.CallOptions = {}) {
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      new grpc.Metadata(),
      opts,
      (err, res) => (err ? reject(err) : resolve(res as Buffer)),
    );
  });
}

const readMaxBytes = 64 * 1024;

describe("with @grpc/grpc-js and the .proto files", () => {
  let app: App;
  let seen: Seen;
  let wego: grpc.Client;
  let echo: grpc.Client;
  let health: grpc.Client;
  let plain: grpc.Client;

  beforeAll(async () => {
    const started = await startApp({ readMaxBytes });
    app = started.app;
    seen = started.seen;
    const addr = `127.0.0.1:${started.router.port}`;
    const creds = grpc.credentials.createInsecure();
    wego = new loaded.wego.v1.WegoService(addr, creds);
    echo = new loaded.wego.testing.v1.EchoService(addr, creds);
    health = new loaded.grpc.health.v1.Health(addr, creds);
    plain = new grpc.Client(addr, creds);
  });
  afterAll(async () => {
    for (const c of [wego, echo, health, plain]) c.close();
    await app.stop();
  });

  it("generic: route + JSON payload → envelope", async () => {
    const r = await unary<{ code: string; envelope: string }>(wego, "Handle", { route: "two", payload: '{"n":3}', requestId: "js-1" });
    expect(r.code).toBe("ok");
    expect(JSON.parse(r.envelope)).toEqual({ code: "ok", message: "ok", data: { one: 1, two: 3 }, requestId: "js-1" });
    const f = await unary<{ code: string; envelope: string }>(wego, "Handle", { route: "fail", payload: "" });
    expect(f.code).toBe("not_found");
    expect(JSON.parse(f.envelope)).toMatchObject({ reason: "USER_MISSING", details: { id: 7 } });
  });

  it("generic: unknown route and bad JSON are statuses", async () => {
    await expect(unary(wego, "Handle", { route: "missing", payload: "{}" })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    await expect(unary(wego, "Handle", { route: "echo", payload: "[1," })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  // Issue 16 item 5: grpc-message was encoded with encodeURIComponent; grpc-js decodes per the gRPC spec and showed "%3A".
  it("reads grpc-message as written: only bytes outside 0x20-0x7E and '%' are percent-encoded", async () => {
    const err = (await unary(wego, "Handle", { route: "echo", payload: "[1," }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^input is not valid JSON: /);
    expect(err.details).not.toContain("%");
    const typed = (await unary(echo, "Echo", { msg: "fail" }, { "x-note": "x" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(typed.details).toBe("not you");
  });

  it("typed: message in, message out, metadata on ctx.meta", async () => {
    const r = await unary<{ msg: string; n: number; blob: Buffer }>(
      echo,
      "Echo",
      { msg: "hé", n: 1, blob: Buffer.from([9, 8]) },
      { "x-tenant": "acme", "x-request-id": "js-typed", "trace-bin": Buffer.from([0, 1]) },
    );
    expect(r).toMatchObject({ msg: "hé", n: 2 });
    expect([...r.blob]).toEqual([9, 8]);
    expect(seen.ctx?.meta["x-tenant"]).toBe("acme");
    // Binary metadata arrives as sent on the wire: base64.
    expect(Buffer.from(String(seen.ctx?.meta["trace-bin"]), "base64")).toEqual(Buffer.from([0, 1]));
    expect(seen.ctx?.id).toBe("js-typed");
  });

  it("typed: errors carry status, message and a wego.v1.ErrorDetail", async () => {
    const err = (await unary(echo, "Echo", { msg: "fail" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toBe("not you");
    const bin = err.metadata.get("grpc-status-details-bin")[0] as Buffer;
    expect(bin.toString("latin1")).toContain("type.googleapis.com/wego.v1.ErrorDetail");
    expect(bin.toString("latin1")).toContain("NOPE");
    const crash = (await unary(echo, "Echo", { msg: "crash" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(crash.code).toBe(grpc.status.INTERNAL);
    expect(crash.details).not.toContain("hunter2");
  });

  it("bad input: a malformed protobuf body is INTERNAL (as gRPC says), and serving goes on", async () => {
    // 0x0a = field 1, length-delimited, then a length longer than the rest.
    const err = (await raw(plain, "/wego.testing.v1.EchoService/Echo", Buffer.from([0x0a, 0x7f, 0x41])).catch(
      (e: unknown) => e,
    )) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INTERNAL);
    const ok = await unary<{ n: number }>(echo, "Echo", { msg: "x", n: 9 });
    expect(ok.n).toBe(10);
  });

  it("bad input: an unknown service or method is UNIMPLEMENTED", async () => {
    await expect(raw(plain, "/nope.v1.NopeService/Do", Buffer.alloc(0))).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    await expect(raw(plain, "/wego.v1.WegoService/Nope", Buffer.alloc(0))).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    await expect(raw(plain, "/wego.testing.v1.EchoService/Count", Buffer.alloc(0))).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  it("bad input: an oversized message is RESOURCE_EXHAUSTED, and serving goes on", async () => {
    await expect(unary(echo, "Echo", { msg: "big", blob: Buffer.alloc(readMaxBytes + 1) })).rejects.toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
    });
    const ok = await unary<{ n: number }>(echo, "Echo", { msg: "x", n: 1 });
    expect(ok.n).toBe(2);
  });

  it("bad input: a deadline that expires mid-call is DEADLINE_EXCEEDED, ctx.signal fires, serving goes on", async () => {
    seen.abortReason = undefined;
    await expect(unary(echo, "Echo", { msg: "wait" }, {}, { deadline: Date.now() + 150 })).rejects.toMatchObject({
      code: grpc.status.DEADLINE_EXCEEDED,
    });
    await expect.poll(() => seen.abortReason, { timeout: 2000 }).toBeDefined();
    expect(["deadline_exceeded", "cancelled"]).toContain((seen.abortReason as { code: string }).code);
    const ok = await unary<{ n: number }>(echo, "Echo", { msg: "x", n: 1 });
    expect(ok.n).toBe(2);
  });

  it("health: Check answers SERVING for the server and its services, NOT_FOUND for others", async () => {
    expect(await unary(health, "Check", { service: "" })).toEqual({ status: "SERVING" });
    expect(await unary(health, "Check", { service: "wego.testing.v1.EchoService" })).toEqual({ status: "SERVING" });
    await expect(unary(health, "Check", { service: "other.Service" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});
