import { readFileSync, type Stats, unwatchFile, watchFile } from "node:fs";
import tls from "node:tls";
import type { Config } from "../config.js";
import { frameworkError } from "../errors/catalogue.js";

/** A PEM value: the PEM itself (a Buffer, or a string starting `-----BEGIN`), or the path of a file holding it. */
export type PemSource = string | Buffer;

/**
 * TLS of a server or a client, the same names on every wego transport (HTTP,
 * WebSocket, gRPC routers; HTTP and gRPC clients). Values given as file paths
 * are watched and reloaded without a restart.
 */
export interface TlsOptions {
  /** Certificate chain (PEM or file path). Required on a server; a client's own certificate for mutual TLS. */
  cert?: PemSource;
  /** Private key of `cert` (PEM or file path). */
  key?: PemSource;
  /** CA certificates to trust (PEM or file path, or several): a server verifies client certificates against them, a client the server's. */
  ca?: PemSource | PemSource[];
  /** Same as `cert` given as a path (kept for the gRPC router's first options). */
  certFile?: string;
  /** Same as `key` given as a path. */
  keyFile?: string;
  /** Server only: require a client certificate signed by `ca` (mutual TLS); others are refused in the handshake. */
  requestCert?: boolean;
  /** Client only: the name the server's certificate must carry (default the host of the URL). */
  servername?: string;
  /** How often watched files are checked for a change, ms (default 1 000); `0` never reloads. */
  watchMs?: number;
}

/** TLS material read from disk (or given inline), as node's `tls` takes it. */
export interface TlsMaterial {
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer[];
}

/** A TLS configuration kept current from its files. */
export interface TlsSource {
  /** The material as last read successfully. */
  current(): TlsMaterial;
  /** `requestCert` as given. */
  readonly requestCert: boolean;
  /** Options for `tls.createServer` (or `tls.connect` on a client), from the current material. */
  serverOptions(): tls.TlsOptions;
  /** Options for `tls.connect` / `http2.connect` / undici's `connect`, from the current material. */
  clientOptions(): tls.ConnectionOptions;
  /** Call `listener` with the new material each time a watched file changes and the whole set still loads. */
  onReload(listener: (material: TlsMaterial) => void): () => void;
  /** Keep `server`'s certificates current: `setSecureContext` on each reload. */
  attach(server: tls.Server): void;
  /** Stop watching the files. */
  close(): void;
}

const isPem = (v: PemSource): boolean => Buffer.isBuffer(v) || v.trimStart().startsWith("-----BEGIN");

function read(what: string, v: PemSource): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (isPem(v)) return Buffer.from(v);
  try {
    return readFileSync(v);
  } catch (err) {
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "tls", `${what} file "${v}" cannot be read: ${(err as Error).message}`);
  }
}

/**
 * Load TLS options and watch the files among them (`fs.watchFile` polls by
 * path, so the swap of a Kubernetes secret's symlink or an atomic rename is
 * seen, which an inotify watch on the old inode would miss). A change is
 * applied only when the whole set loads and makes a secure context: a
 * half-written key keeps the previous certificate in service.
 *
 * @param role "server" needs `cert` and `key`; a "client" may have neither (server verification only).
 * @param onError told when a reload fails (the previous material stays).
 */
export function createTlsSource(options: TlsOptions, role: "server" | "client", onError?: (err: unknown) => void): TlsSource {
  const cert = options.cert ?? options.certFile;
  const key = options.key ?? options.keyFile;
  if (role === "server" && (cert === undefined || key === undefined))
    throw frameworkError(
      "WEGO_ERR_OPTIONS_INVALID",
      "tls",
      `a server needs both cert and key (${cert === undefined ? "no cert" : "no key"})`,
    );
  if ((cert === undefined) !== (key === undefined))
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "tls", "cert and key go together (one is missing)");
  const cas = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  if (options.requestCert && cas.length === 0)
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "tls", "requestCert needs ca (the CA that signs client certificates)");

  const load = (): TlsMaterial => {
    const m: TlsMaterial = {};
    if (cert !== undefined) m.cert = read("cert", cert);
    if (key !== undefined) m.key = read("key", key);
    if (cas.length > 0) m.ca = cas.map((c) => read("ca", c));
    // Fails here, not at the first handshake, on a key that doesn't match its certificate.
    tls.createSecureContext({ ...m });
    return m;
  };
  let material = load();
  const listeners = new Set<(m: TlsMaterial) => void>();
  const files = [cert, key, ...cas].filter((v): v is string => typeof v === "string" && !isPem(v));
  const watchMs = options.watchMs ?? 1_000;
  const watchers: Array<[string, (now: Stats, before: Stats) => void]> = [];
  let pending: NodeJS.Timeout | undefined;
  const reload = (): void => {
    pending = undefined;
    try {
      material = load();
    } catch (err) {
      onError?.(err);
      return;
    }
    for (const l of listeners) l(material);
  };
  if (watchMs > 0) {
    for (const file of new Set(files)) {
      const onChange = (now: Stats, before: Stats): void => {
        if (now.mtimeMs === before.mtimeMs && now.ino === before.ino) return;
        // The key and the certificate are usually replaced one after the other: read both once they settled.
        clearTimeout(pending);
        pending = setTimeout(reload, Math.min(100, watchMs));
        pending.unref();
      };
      watchFile(file, { interval: watchMs, persistent: false }, onChange);
      watchers.push([file, onChange]);
    }
  }
  const requestCert = options.requestCert ?? false;
  const source: TlsSource = {
    current: () => material,
    requestCert,
    serverOptions: () => ({ ...material, requestCert, rejectUnauthorized: requestCert }),
    clientOptions: () => ({ ...material, ...(options.servername ? { servername: options.servername } : {}) }),
    onReload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attach(server) {
      const off = source.onReload(() => server.setSecureContext(source.serverOptions()));
      server.once("close", off);
    },
    close() {
      clearTimeout(pending);
      for (const [file, onChange] of watchers) unwatchFile(file, onChange);
      watchers.length = 0;
      listeners.clear();
    },
  };
  return source;
}

/**
 * TLS from config `<prefix>.tls.*` (`cert`, `key`, `ca` — file paths or PEM —,
 * `requestCert`, `servername`, `watchMs`), or undefined when neither `cert` nor `ca` is set.
 */
export function tlsFromConfig(config: Config, prefix: string): TlsOptions | undefined {
  const at = `${prefix}.tls`;
  const cert = config.get(`${at}.cert`, "");
  const key = config.get(`${at}.key`, "");
  const ca = config.get(`${at}.ca`, "");
  if (!cert && !key && !ca) return undefined;
  return {
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(ca ? { ca } : {}),
    requestCert: config.get(`${at}.requestCert`, false),
    ...(config.has(`${at}.servername`) ? { servername: config.get(`${at}.servername`, "") } : {}),
    ...(config.has(`${at}.watchMs`) ? { watchMs: config.get(`${at}.watchMs`, 1_000) } : {}),
  };
}
