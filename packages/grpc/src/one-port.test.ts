// One port serves HTTP/2 (gRPC, gRPC-Web, Connect) and HTTP/1.1 (gRPC-Web and
// Connect, as browsers and curl speak them), in cleartext and with TLS.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcJsEcho, startApp } from "./test-helpers.js";

async function roundTrip(transport: Transport): Promise<void> {
  const r = await createClient(WegoService, transport).handle({ route: "two", payload: '{"n":7}' });
  expect(JSON.parse(r.envelope)).toMatchObject({ code: "ok", data: { one: 1, two: 7 } });
  const e = await createClient(EchoService, transport).echo({ msg: "m", n: 1 });
  expect(e.n).toBe(2);
}

describe("cleartext: HTTP/2 with prior knowledge and HTTP/1.1 on one port", () => {
  let started: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    started = await startApp();
  });
  afterAll(() => started.app.stop());

  it("serves gRPC, gRPC-Web and Connect over HTTP/2", async () => {
    const baseUrl = started.baseUrl;
    await roundTrip(createGrpcTransport({ baseUrl }));
    await roundTrip(createGrpcWebTransport({ baseUrl, httpVersion: "2" }));
    await roundTrip(createConnectTransport({ baseUrl, httpVersion: "2" }));
  });

  it("serves gRPC-Web and Connect over HTTP/1.1", async () => {
    const baseUrl = started.baseUrl;
    await roundTrip(createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }));
    await roundTrip(createConnectTransport({ baseUrl, httpVersion: "1.1" }));
    await roundTrip(createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false }));
  });

  it("answers a Connect call from a plain HTTP/1.1 POST with JSON (what curl sends)", async () => {
    const res = await fetch(`${started.baseUrl}/wego.v1.WegoService/Handle`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ route: "two", payload: '{"n":1}' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code: string; envelope: string };
    expect(body.code).toBe("ok");
    expect(JSON.parse(body.envelope)).toMatchObject({ data: { one: 1, two: 1 } });
    // Connect's binary encoding with a malformed message: INTERNAL, as on the gRPC path.
    const garbage = await fetch(`${started.baseUrl}/wego.testing.v1.EchoService/Echo`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: new Uint8Array([0x0a, 0x7f, 0x41]),
    });
    expect(garbage.status).toBe(500);
    expect(((await garbage.json()) as { code: string }).code).toBe("internal");
    const missing = await fetch(`${started.baseUrl}/no.Such/Thing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(404);
  });
});

describe("TLS: ALPN h2 and http/1.1 on one port", () => {
  let dir: string;
  let cert: Buffer;
  let started: Awaited<ReturnType<typeof startApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wego-grpc-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        .concat(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .concat(["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]),
      { stdio: "ignore" },
    );
    cert = readFileSync(join(dir, "cert.pem"));
    started = await startApp({ tls: { keyFile: join(dir, "key.pem"), certFile: join(dir, "cert.pem") } });
    baseUrl = `https://127.0.0.1:${started.router.port}`;
  });
  afterAll(async () => {
    await started.app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves every protocol over HTTP/2 and HTTP/1.1", async () => {
    await roundTrip(createGrpcTransport({ baseUrl, nodeOptions: { ca: cert } }));
    await roundTrip(createGrpcWebTransport({ baseUrl, httpVersion: "2", nodeOptions: { ca: cert } }));
    await roundTrip(createConnectTransport({ baseUrl, httpVersion: "2", nodeOptions: { ca: cert } }));
    await roundTrip(createGrpcWebTransport({ baseUrl, httpVersion: "1.1", nodeOptions: { ca: cert } }));
    await roundTrip(createConnectTransport({ baseUrl, httpVersion: "1.1", nodeOptions: { ca: cert } }));
  });

  it("serves @grpc/grpc-js with TLS credentials, and refuses cleartext", async () => {
    const client = new grpc.Client(`127.0.0.1:${started.router.port}`, grpc.credentials.createSsl(cert));
    expect([...(await grpcJsEcho(client))]).toEqual([0x0a, 0x01, 0x78, 0x10, 0x05]);
    client.close();
    const plain = new grpc.Client(`127.0.0.1:${started.router.port}`, grpc.credentials.createInsecure());
    await expect(grpcJsEcho(plain)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    plain.close();
  });
});

describe("CORS for browsers on other origins", () => {
  let started: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    started = await startApp({ cors: { origins: ["https://app.example"], allowHeaders: ["x-tenant"] } });
  });
  afterAll(() => started.app.stop());

  const preflight = { "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-tenant" };

  it("answers preflights over HTTP/1.1 for allowed origins only", async () => {
    const url = `${started.baseUrl}/wego.v1.WegoService/Handle`;
    const ok = await fetch(url, { method: "OPTIONS", headers: { origin: "https://app.example", ...preflight } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(ok.headers.get("access-control-allow-headers")).toContain("x-tenant");
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    const other = await fetch(url, { method: "OPTIONS", headers: { origin: "https://evil.example", ...preflight } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("marks actual responses so the browser lets the script read them (HTTP/1.1 and HTTP/2)", async () => {
    const res = await fetch(`${started.baseUrl}/wego.v1.WegoService/Handle`, {
      method: "POST",
      headers: { origin: "https://app.example", "content-type": "application/json" },
      body: JSON.stringify({ route: "echo" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("access-control-expose-headers")).toContain("Grpc-Status");
    const session = http2.connect(started.baseUrl);
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const req = session.request({
        ":method": "OPTIONS",
        ":path": "/wego.v1.WegoService/Handle",
        origin: "https://app.example",
        ...preflight,
      });
      req.on("response", resolve);
      req.on("error", reject);
      req.end();
    });
    session.close();
    expect(headers[":status"]).toBe(204);
    expect(headers["access-control-allow-origin"]).toBe("https://app.example");
  });

  it('refuses origins "*" with credentials at start', async () => {
    await expect(startApp({ cors: { origins: "*", credentials: true } })).rejects.toThrow(/origins "\*" with credentials/);
  });
});
