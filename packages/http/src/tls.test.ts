// TLS and mutual TLS on the HTTP router and client, with certificates made by openssl here: a CA that signs
// the server and a client, and another CA whose client must be refused; the server's certificate replaced
// on disk is served without a restart.
import https from "node:https";
import type { App } from "@wego/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertDir, eventually, mtlsCerts, servedCommonName } from "../../../test/support/certs.ts";
import { createHttpClient } from "./http-client.js";
import type { HttpRouter } from "./http-router.js";
import { serve } from "./test-helpers.js";

let certs: CertDir;
beforeAll(() => {
  certs = mtlsCerts();
});
afterAll(() => certs.remove());

/** GET `path` with node's https and these client credentials: the status, or the error's code/message. */
function get(port: number, path: string, creds: { cert?: Buffer; key?: Buffer }): Promise<number | string> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: "127.0.0.1", port, path, ca: certs.pem("ca"), servername: "localhost", agent: false, ...creds },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Routes: GET /hi answers "hi". */
const hi = (r: HttpRouter, app: App): void => {
  app.handler("hi", async () => "hi");
  r.get("/hi", "hi");
};

const mtls = () => ({
  cert: certs.pemPath("server"),
  key: certs.keyPath("server"),
  ca: certs.pemPath("ca"),
  requestCert: true,
  watchMs: 50,
});

describe("HTTP router over TLS", () => {
  it("serves HTTPS from config http.tls.* (file paths)", async () => {
    const env = { WEGO_HTTP_TLS_CERT: certs.pemPath("server"), WEGO_HTTP_TLS_KEY: certs.keyPath("server") };
    const s = await serve(hi, {}, { config: { env, argv: [] } });
    expect(await get(s.router.port as number, "/hi", {})).toBe(200);
  });

  it("with requestCert, serves a client the CA signed and refuses one without a certificate or signed by another CA", async () => {
    const s = await serve(hi, { tls: mtls() });
    const port = s.router.port as number;
    expect(await get(port, "/hi", { cert: certs.pem("client"), key: certs.key("client") })).toBe(200);
    expect(await get(port, "/hi", {})).not.toBe(200);
    expect(await get(port, "/hi", { cert: certs.pem("stranger"), key: certs.key("stranger") })).not.toBe(200);
  });

  it("the HTTP client presents its certificate (tls option, file paths)", async () => {
    const s = await serve(hi, { tls: mtls() });
    const tls = { ca: certs.pemPath("ca"), servername: "localhost" };
    const good = createHttpClient({
      baseUrls: `https://127.0.0.1:${s.router.port}`,
      tls: { ...tls, cert: certs.pemPath("client"), key: certs.keyPath("client") },
      retries: 0,
      breaker: false,
    });
    const none = createHttpClient({ baseUrls: `https://127.0.0.1:${s.router.port}`, tls, retries: 0, breaker: false });
    try {
      expect(await good.get("/hi")).toBe("hi");
      await expect(none.get("/hi")).rejects.toMatchObject({ reason: "WEGO_ERR_HTTP_CLIENT_UNREACHABLE" });
    } finally {
      await good.close();
      await none.close();
    }
  });

  it("serves a certificate replaced on disk without a restart", async () => {
    const s = await serve(hi, { tls: mtls() });
    const port = s.router.port as number;
    expect(await servedCommonName(port, certs.pem("ca"))).toBe("first");
    certs.server("server", "ca", "second");
    expect(await eventually(() => servedCommonName(port, certs.pem("ca")), "second")).toBe("second");
    expect(await get(port, "/hi", { cert: certs.pem("client"), key: certs.key("client") })).toBe(200);
    certs.server("server", "ca", "first");
  });
});
