// Issue 16 item 14: mutual TLS (`tls: { ca, requestCert: true }`) worked by hand but had no test.
// Certificates are made here with openssl: a CA, a server and a client certificate it signs, and a
// second CA with a client certificate of its own.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { WegoError } from "@wego/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromConnectError } from "./code-map.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { grpcJsEcho, startApp } from "./test-helpers.js";

const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Run openssl in `dir`. */
const openssl = (dir: string, args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** A self-signed CA: `<name>.key`, `<name>.pem`. */
function makeCa(dir: string, name: string): void {
  openssl(dir, ["req", "-x509", ...ec, "-days", "1", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.pem`]);
}

/** A leaf certificate signed by `ca`, with the extensions in `ext` (an openssl extfile line per entry). */
function makeLeaf(dir: string, name: string, ca: string, ext: string[]): void {
  openssl(dir, ["req", ...ec, "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
  openssl(
    dir,
    ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-set_serial", String(Date.now())].concat([
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`,
    ]),
  );
}

describe("mutual TLS", () => {
  let dir: string;
  const pem = (name: string) => readFileSync(join(dir, `${name}.pem`));
  const key = (name: string) => readFileSync(join(dir, `${name}.key`));
  let started: Awaited<ReturnType<typeof startApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wego-grpc-mtls-"));
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    makeLeaf(dir, "server", "ca", ["subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth"]);
    makeLeaf(dir, "client", "ca", ["extendedKeyUsage=clientAuth"]);
    makeLeaf(dir, "stranger", "other-ca", ["extendedKeyUsage=clientAuth"]);
    started = await startApp({ tls: { key: key("server"), cert: pem("server"), ca: pem("ca"), requestCert: true } });
    baseUrl = `https://localhost:${started.router.port}`;
  });
  afterAll(async () => {
    await started?.app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const handle = (nodeOptions: Record<string, unknown>, route = "two") =>
    createClient(WegoService, createGrpcTransport({ baseUrl, nodeOptions: { ca: pem("ca"), ...nodeOptions } }))
      .handle({ route, payload: '{"n":2}' })
      .then((r) => JSON.parse(r.envelope) as unknown)
      .catch((e: unknown) => fromConnectError(e));

  it("serves a client whose certificate the CA signed (connect-es and grpc-js)", async () => {
    expect(await handle({ cert: pem("client"), key: key("client") })).toMatchObject({ code: "ok", data: { one: 1, two: 2 } });
    const js = new grpc.Client(`localhost:${started.router.port}`, grpc.credentials.createSsl(pem("ca"), key("client"), pem("client")));
    const res = await grpcJsEcho(js);
    js.close();
    expect([...res]).toEqual([0x0a, 0x01, 0x78, 0x10, 0x05]);
  });

  /** How a bare TLS client is turned away: the alert's error code, ECONNRESET, or "closed" (never served). */
  const alertOf = (options: tls.ConnectionOptions) =>
    new Promise<string>((resolve) => {
      const socket = tls.connect({
        port: started.router.port,
        host: "127.0.0.1",
        servername: "localhost",
        ca: pem("ca"),
        ALPNProtocols: ["h2"],
        ...options,
      });
      const done = (how: string): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(how);
      };
      const timer = setTimeout(() => done("still open"), 2000);
      socket.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      socket.on("close", () => done("closed"));
      socket.resume();
    });

  it("refuses a client without a certificate", async () => {
    started.seen.ctx = undefined;
    expect(await alertOf({})).toBe("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
    const err = await handle({}, "echo");
    expect(err).toBeInstanceOf(WegoError);
    expect(started.seen.ctx).toBeUndefined();
  });

  it("refuses a client whose certificate another CA signed", async () => {
    started.seen.ctx = undefined;
    // Node checks the chain after OpenSSL's handshake and drops the connection without an alert.
    expect(["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "ECONNRESET", "closed"]).toContain(
      await alertOf({ cert: pem("stranger"), key: key("stranger") }),
    );
    const err = await handle({ cert: pem("stranger"), key: key("stranger") }, "echo");
    expect(err).toBeInstanceOf(WegoError);
    expect(started.seen.ctx).toBeUndefined();
  });
});
