// The gRPC router's certificates reloaded from disk without a restart, and the gRPC client's `tls` option
// (the names every wego transport uses) presenting a client certificate for mutual TLS. Certificates are
// made by openssl here; mtls.test.ts covers the refusals with connect-es and grpc-js clients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertDir, eventually, mtlsCerts, servedCommonName } from "../../../test/support/certs.ts";
import { createGrpcClient } from "./grpc-client.js";
import { startApp } from "./test-helpers.js";

let certs: CertDir;
let started: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  certs = mtlsCerts();
  started = await startApp({
    tls: { cert: certs.pemPath("server"), key: certs.keyPath("server"), ca: certs.pemPath("ca"), requestCert: true, watchMs: 50 },
  });
});
afterAll(async () => {
  await started?.app.stop();
  certs.remove();
});

const clientWith = (name?: string) =>
  createGrpcClient({
    baseUrl: `https://localhost:${started.router.port}`,
    retries: 0,
    timeoutMs: 3_000,
    tls: { ca: certs.pemPath("ca"), ...(name ? { cert: certs.pemPath(name), key: certs.keyPath(name) } : {}) },
  });

async function twoWith(name?: string): Promise<unknown> {
  const c = clientWith(name);
  try {
    return await c.call("two", { n: 2 });
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  } finally {
    c.close();
  }
}

describe("gRPC over mutual TLS", () => {
  it("the gRPC client presents its certificate from the tls option; none, or another CA's, is refused", async () => {
    expect(await twoWith("client")).toEqual({ one: 1, two: 2 });
    expect(await twoWith()).toMatch(/^refused/);
    expect(await twoWith("stranger")).toMatch(/^refused/);
  });

  it("serves a certificate replaced on disk without a restart", async () => {
    const port = started.router.port as number;
    expect(await servedCommonName(port, certs.pem("ca"), ["h2"])).toBe("first");
    certs.server("server", "ca", "second");
    expect(await eventually(() => servedCommonName(port, certs.pem("ca"), ["h2"]), "second")).toBe("second");
    expect(await twoWith("client")).toEqual({ one: 1, two: 2 });
  });
});
