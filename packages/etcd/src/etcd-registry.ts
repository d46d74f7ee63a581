import type { Registry, ServiceInstance } from "@wego/core";
import { Etcd3, type IOptions, type Lease } from "etcd3";

/** Options of {@link createEtcdRegistry}. */
export interface EtcdRegistryOptions {
  /** Key prefix; an instance lives at `<prefix><service>/<id>`. Default `/wego/registry/`. */
  prefix?: string;
  /** etcd endpoints; default `127.0.0.1:2379`. */
  hosts?: string | string[];
  /** A client to use instead of one made from `hosts` (not closed by the registry). */
  client?: Etcd3;
  /** Other etcd3 client options (TLS credentials, auth…). */
  clientOptions?: Omit<IOptions, "hosts">;
  /**
   * Lease time-to-live, seconds (default 5): an instance that stops renewing
   * (killed, partitioned) disappears this long after its last keepalive.
   */
  ttlSeconds?: number;
}

function parse(text: string): ServiceInstance | undefined {
  try {
    const v = JSON.parse(text) as ServiceInstance;
    return typeof v?.id === "string" && typeof v.endpoints === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The registry on etcd. `register` grants a lease (`ttlSeconds`), puts the
 * instance under it and keeps it alive (etcd3 renews at a third of the TTL;
 * a lost lease is granted again and the key put back), so a crashed instance
 * vanishes when its lease expires. `watch` reads the service's keys and
 * watches them from that revision, so a change between the two is not lost
 * and watchers learn of every put, delete and expiry at once.
 *
 * @example
 * const registry = createEtcdRegistry({ hosts: "etcd:2379", ttlSeconds: 5 });
 */
export function createEtcdRegistry(options: EtcdRegistryOptions = {}): Registry & { readonly client: Etcd3; close(): Promise<void> } {
  const prefix = options.prefix ?? "/wego/registry/";
  const client = options.client ?? new Etcd3({ ...options.clientOptions, hosts: options.hosts ?? "127.0.0.1:2379" });
  const ttl = options.ttlSeconds ?? 5;
  const leases = new Map<string, Lease>();
  const watchers = new Set<{ cancel(): Promise<void> }>();
  const keyOf = (i: ServiceInstance): string => `${prefix}${i.service}/${i.id}`;

  async function list(service: string): Promise<{ items: Map<string, ServiceInstance>; revision: string }> {
    const res = await client.getAll().prefix(`${prefix}${service}/`).exec();
    const items = new Map<string, ServiceInstance>();
    for (const kv of res.kvs) {
      const i = parse(kv.value.toString());
      if (i !== undefined) items.set(kv.key.toString(), i);
    }
    return { items, revision: res.header.revision };
  }

  return {
    client,
    async register(instance) {
      const key = keyOf(instance);
      await leases
        .get(key)
        ?.revoke()
        .catch(() => {});
      const value = JSON.stringify(instance);
      const grant = (): Lease => {
        const lease = client.lease(ttl, { autoKeepAlive: true });
        // A lease lost (etcd unreachable longer than the TTL): grant a new one and put the key back.
        lease.on("lost", () => {
          if (leases.get(key) !== lease) return;
          const next = grant();
          leases.set(key, next);
          next
            .put(key)
            .value(value)
            .catch(() => {});
        });
        return lease;
      };
      const lease = grant();
      leases.set(key, lease);
      await lease.put(key).value(value);
    },
    async deregister(instance) {
      const key = keyOf(instance);
      const lease = leases.get(key);
      leases.delete(key);
      await client.delete().key(key);
      await lease?.revoke().catch(() => {});
    },
    async instances(service) {
      return [...(await list(service)).items.values()];
    },
    async watch(service, listener) {
      const { items, revision } = await list(service);
      listener([...items.values()]);
      const w = await client
        .watch()
        .prefix(`${prefix}${service}/`)
        .startRevision(String(BigInt(revision) + 1n))
        .create();
      watchers.add(w);
      w.on("put", (kv) => {
        const i = parse(kv.value.toString());
        if (i === undefined) return;
        items.set(kv.key.toString(), i);
        listener([...items.values()]);
      });
      w.on("delete", (kv) => {
        if (items.delete(kv.key.toString())) listener([...items.values()]);
      });
      // etcd3 reconnects the watch itself and resumes from the last revision it saw.
      w.on("error", () => {});
      return () => {
        watchers.delete(w);
        void w.cancel();
      };
    },
    async close() {
      for (const w of watchers) await w.cancel().catch(() => {});
      watchers.clear();
      for (const [key, lease] of leases) {
        leases.delete(key);
        await lease.revoke().catch(() => {});
      }
      if (options.client === undefined) client.close();
    },
  };
}
