// TLS and mutual TLS on the WebSocket router's own port, with certificates made by openssl here: a CA that
// signs the server and a client, another CA whose client must be refused; a certificate replaced on disk is
// served without a restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CertDir, eventually, mtlsCerts, servedCommonName } from "../../../test/support/certs.ts";
import { type Started, startWs, TestClient } from "./test/harness.js";

let certs: CertDir;
let started: Started | undefined;
beforeAll(() => {
  certs = mtlsCerts();
});
afterEach(async () => {
  await started?.stop();
  started = undefined;
});
afterAll(() => certs.remove());

const tls = () => ({
  cert: certs.pemPath("server"),
  key: certs.keyPath("server"),
  ca: certs.pemPath("ca"),
  requestCert: true,
  watchMs: 50,
});
const echo = (app: Parameters<Parameters<typeof startWs>[0]>[0]) => app.handler("echo", async (ctx) => ctx.request);

/** Open `wss://` with these client credentials and make one call: its data, or the failure's message. */
async function callWith(port: number, creds: { cert?: Buffer; key?: Buffer }): Promise<unknown> {
  try {
    const c = await TestClient.open(`wss://localhost:${port}/ws`, { ca: certs.pem("ca"), ...creds });
    const r = await c.request("echo", { n: 1 });
    c.ws.close();
    return r.data;
  } catch (err) {
    return `refused: ${(err as Error).message ?? JSON.stringify(err)}`;
  }
}

describe("WebSocket router over TLS (own port)", () => {
  it("with requestCert, serves a client the CA signed and refuses one without a certificate or signed by another CA", async () => {
    started = await startWs(echo, ["echo"], { tls: tls() });
    const port = started.router.port as number;
    expect(await callWith(port, { cert: certs.pem("client"), key: certs.key("client") })).toEqual({ n: 1 });
    expect(await callWith(port, {})).toMatch(/^refused/);
    expect(await callWith(port, { cert: certs.pem("stranger"), key: certs.key("stranger") })).toMatch(/^refused/);
  });

  it("serves a certificate replaced on disk without a restart", async () => {
    started = await startWs(echo, ["echo"], { tls: tls() });
    const port = started.router.port as number;
    expect(await servedCommonName(port, certs.pem("ca"))).toBe("first");
    certs.server("server", "ca", "second");
    expect(await eventually(() => servedCommonName(port, certs.pem("ca")), "second")).toBe("second");
    expect(await callWith(port, { cert: certs.pem("client"), key: certs.key("client") })).toEqual({ n: 1 });
    certs.server("server", "ca", "first");
  });
});
