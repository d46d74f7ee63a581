import type { DynamicConfigSource, Provider } from "@wego/core";
import { Etcd3, type IOptions } from "etcd3";

export interface EtcdConfigOptions {
  /**
   * Where the app's keys live: `<prefix><dotted.config.path>` = a JSON value
   * (or plain text). One prefix per app (or per environment), e.g. `/wego/orders/`.
   */
  prefix: string;
  /** etcd endpoints; default config `etcd.hosts`, else `127.0.0.1:2379`. */
  hosts?: string | string[];
  /** A client to use instead of one made from `hosts` (it is not closed by the source). */
  client?: Etcd3;
  /** Other etcd3 client options (TLS credentials, auth…). */
  clientOptions?: Omit<IOptions, "hosts">;
  /** Changes arriving within this many ms are applied together. Default 10. */
  debounceMs?: number;
}

/** Set `path` in `tree` (dotted; prototype keys ignored). */
function setPath(tree: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split(".");
  let cur = tree;
  for (const seg of segs.slice(0, -1)) {
    if (seg === "__proto__" || seg === "constructor" || seg === "prototype") return;
    const next = cur[seg];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  const last = segs[segs.length - 1] as string;
  if (last === "__proto__" || last === "constructor" || last === "prototype") return;
  cur[last] = value;
}

/** A key's text as a config value: JSON when it parses, else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A distributed config layer on etcd: every key under `prefix` is a config
 * path (`<prefix>governance.rateLimit.api` = `{"rate":50,"burst":10}`),
 * loaded at start and watched from the revision it was read at, so no change
 * is lost between the two. Keys are applied in path order, so a longer path
 * refines a shorter one (`governance` = a whole tree, then one rule).
 */
export function createEtcdConfigSource(options: EtcdConfigOptions): DynamicConfigSource & { readonly client: Etcd3 } {
  const { prefix } = options;
  const hosts = options.hosts ?? "127.0.0.1:2379";
  const client = options.client ?? new Etcd3({ ...options.clientOptions, hosts });
  const debounceMs = options.debounceMs ?? 10;
  const entries = new Map<string, unknown>();
  let watcher: { cancel(): Promise<void> } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const tree = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const path of [...entries.keys()].sort()) setPath(out, path, structuredClone(entries.get(path)));
    return out;
  };

  return {
    name: `etcd ${Array.isArray(hosts) ? hosts.join(",") : hosts} ${prefix}`,
    client,
    async start(push) {
      const range = await client.getAll().prefix(prefix).exec();
      for (const kv of range.kvs) entries.set(kv.key.toString().slice(prefix.length), parseValue(kv.value.toString()));
      push(tree());
      const next = String(BigInt(range.header.revision) + 1n);
      const w = await client.watch().prefix(prefix).startRevision(next).create();
      watcher = w;
      const changed = (): void => {
        if (timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          push(tree());
        }, debounceMs);
      };
      w.on("put", (kv) => {
        entries.set(kv.key.toString().slice(prefix.length), parseValue(kv.value.toString()));
        changed();
      });
      w.on("delete", (kv) => {
        entries.delete(kv.key.toString().slice(prefix.length));
        changed();
      });
      // The client reconnects and resumes the watch on its own; an error event must not crash the process.
      w.on("error", () => {});
    },
    async close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await watcher?.cancel();
      watcher = undefined;
      if (options.client === undefined) client.close();
    },
  };
}

/**
 * The etcd config source as a provider: attached to `app.config` before the
 * routers start (so governance rules in etcd are in force from the first
 * request), closed at shutdown.
 *
 * @example
 * app.provider(etcdConfig({ prefix: "/wego/orders/" }));
 */
export function etcdConfig(options: EtcdConfigOptions): Provider & { readonly source: DynamicConfigSource } {
  let source: ReturnType<typeof createEtcdConfigSource> | undefined;
  return {
    get source() {
      source ??= createEtcdConfigSource(options);
      return source;
    },
    async register(app) {
      const hosts = options.hosts ?? app.config.get<string[]>("etcd.hosts", ["127.0.0.1:2379"]);
      source ??= createEtcdConfigSource({ ...options, hosts });
      await app.config.attach(source);
    },
    async shutdown() {
      await source?.close();
    },
  };
}
