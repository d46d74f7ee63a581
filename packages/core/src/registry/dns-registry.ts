import { Resolver } from "node:dns/promises";
import type { Registry, ServiceInstance } from "../ports.js";

/** Options of {@link createDnsRegistry}. */
export interface DnsRegistryOptions {
  /**
   * The DNS name to ask for a service (default `_<transport>._tcp.<service>`
   * for SRV, e.g. `_http._tcp.orders`; in Kubernetes a headless service's
   * name, `orders.shop.svc.cluster.local`).
   */
  nameOf?: (service: string) => string;
  /** `srv` (target and port from the record) or `a` (addresses, with `port`). Default `srv`. */
  record?: "srv" | "a";
  /** Port of every address with `record: "a"`. */
  port?: number;
  /** The transport the endpoints are for (`http`, `grpc`…) and its URL scheme. Default `http`, `http:`. */
  transport?: string;
  scheme?: string;
  /** DNS servers (`["10.96.0.10"]`, `["127.0.0.1:5353"]`); default the system's. */
  servers?: string[];
  /** How often a watched name is resolved again, ms. Default 5 000. */
  pollMs?: number;
}

/**
 * Discovery through DNS, read-only: what Kubernetes publishes for a headless
 * service (A records per ready pod, SRV per named port) or any SRV zone.
 * Instances cannot register through DNS (the platform does), so `register`
 * and `deregister` do nothing; watches poll every `pollMs` and tell of a
 * change only. A lookup that fails keeps the last list (a DNS blip must not
 * empty a client's instances).
 */
export function createDnsRegistry(options: DnsRegistryOptions = {}): Registry {
  const resolver = new Resolver();
  if (options.servers !== undefined) resolver.setServers(options.servers);
  const record = options.record ?? "srv";
  const transport = options.transport ?? "http";
  const scheme = options.scheme ?? `${transport}:`;
  const nameOf = options.nameOf ?? ((s: string) => (record === "srv" ? `_${transport}._tcp.${s}` : s));
  const pollMs = options.pollMs ?? 5_000;
  const timers = new Set<NodeJS.Timeout>();
  const instance = (service: string, host: string, port: number): ServiceInstance => ({
    service,
    id: `${host}:${port}`,
    endpoints: { [transport]: `${scheme}//${host.includes(":") ? `[${host}]` : host}:${port}` },
  });

  async function lookup(service: string): Promise<ServiceInstance[]> {
    const name = nameOf(service);
    if (record === "a") {
      if (options.port === undefined) throw new TypeError('createDnsRegistry: record "a" needs a port');
      const port = options.port;
      return (await resolver.resolve4(name)).sort().map((ip) => instance(service, ip, port));
    }
    const srv = await resolver.resolveSrv(name);
    srv.sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name) || a.port - b.port);
    // Only the best priority serves; the others are backups for when it is empty (RFC 2782).
    const best = srv[0]?.priority;
    return srv.filter((r) => r.priority === best).map((r) => instance(service, r.name, r.port));
  }

  return {
    async register() {},
    async deregister() {},
    instances: lookup,
    async watch(service, listener) {
      const first = await lookup(service);
      listener(first);
      let key = first.map((i) => i.id).join(",");
      const timer = setInterval(() => {
        lookup(service).then(
          (list) => {
            const k = list.map((i) => i.id).join(",");
            if (k === key) return;
            key = k;
            listener(list);
          },
          () => {},
        );
      }, pollMs);
      timer.unref();
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    async close() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      resolver.cancel();
    },
  };
}
