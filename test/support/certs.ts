// Test certificates made with openssl in a temporary directory: CAs, and leaves they sign (P-256, one day).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";

const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
let serial = Date.now();

/** A directory of test certificates: `<name>.pem` and `<name>.key` per CA or leaf. */
export interface CertDir {
  readonly dir: string;
  /** Path of `<name>.pem` / `<name>.key`. */
  pemPath(name: string): string;
  keyPath(name: string): string;
  pem(name: string): Buffer;
  key(name: string): Buffer;
  /** A self-signed CA. */
  ca(name: string): void;
  /** A server certificate for 127.0.0.1 and localhost, signed by `ca`, with subject CN `cn` (default `name`). */
  server(name: string, ca: string, cn?: string): void;
  /** A client certificate signed by `ca`. */
  client(name: string, ca: string): void;
  remove(): void;
}

/** Make a directory for test certificates (remove it in afterAll). */
export function certDir(prefix = "wego-tls-"): CertDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const leaf = (name: string, ca: string, cn: string, ext: string[]): void => {
    // Written aside and renamed into place, as a certificate manager does, so a watcher never reads half a file.
    openssl(["req", ...ec, "-subj", `/CN=${cn}`, "-keyout", `${name}.key.new`, "-out", `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
    serial += 1;
    openssl(
      ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-set_serial", String(serial)].concat([
        "-days",
        "1",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.pem.new`,
      ]),
    );
    renameSync(join(dir, `${name}.key.new`), join(dir, `${name}.key`));
    renameSync(join(dir, `${name}.pem.new`), join(dir, `${name}.pem`));
  };
  return {
    dir,
    pemPath: (name) => join(dir, `${name}.pem`),
    keyPath: (name) => join(dir, `${name}.key`),
    pem: (name) => readFileSync(join(dir, `${name}.pem`)),
    key: (name) => readFileSync(join(dir, `${name}.key`)),
    ca(name) {
      openssl(["req", "-x509", ...ec, "-days", "1", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.pem`]);
    },
    server(name, ca, cn = name) {
      leaf(name, ca, cn, ["subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth"]);
    },
    client(name, ca) {
      leaf(name, ca, name, ["extendedKeyUsage=clientAuth"]);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The subject CN of the certificate a TLS server on 127.0.0.1:`port` presents now (a new connection each call). */
export function servedCommonName(port: number, ca: Buffer, alpn?: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost", ...(alpn ? { ALPNProtocols: alpn } : {}) }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.destroy();
      resolve(String(cn));
    });
    socket.once("error", reject);
  });
}

/** Poll `read` until it returns `want` or `ms` pass (the reload is asynchronous: a file watcher's period). */
export async function eventually<T>(read: () => Promise<T>, want: T, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (last !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

/** The usual set: CA `ca` signing `server` (CN "first") and `client`, and `other-ca` signing `stranger`. */
export function mtlsCerts(): CertDir {
  const certs = certDir();
  certs.ca("ca");
  certs.ca("other-ca");
  certs.server("server", "ca", "first");
  certs.client("client", "ca");
  certs.client("stranger", "other-ca");
  return certs;
}
