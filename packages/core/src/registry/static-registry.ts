import type { Registry, ServiceInstance } from "../ports.js";

/**
 * A registry in memory: the instances given here, plus those registered in
 * this process. It is the static list of a small deployment, and the
 * registry of tests and single-process setups (watchers are told at once).
 *
 * @example
 * const registry = createStaticRegistry([
 *   { service: "orders", id: "a", endpoints: { http: "http://10.0.0.7:8341" } },
 *   { service: "orders", id: "b", endpoints: { http: "http://10.0.0.8:8341" } },
 * ]);
 */
export function createStaticRegistry(initial: readonly ServiceInstance[] = []): Registry {
  const byService = new Map<string, Map<string, ServiceInstance>>();
  const watchers = new Map<string, Set<(list: ServiceInstance[]) => void>>();
  const listOf = (service: string): ServiceInstance[] => [...(byService.get(service)?.values() ?? [])];
  const notify = (service: string): void => {
    const list = listOf(service);
    for (const w of watchers.get(service) ?? []) w(list);
  };
  const put = (i: ServiceInstance): void => {
    let m = byService.get(i.service);
    if (m === undefined) {
      m = new Map();
      byService.set(i.service, m);
    }
    m.set(i.id, i);
  };
  for (const i of initial) put(i);
  return {
    async register(instance) {
      put(instance);
      notify(instance.service);
    },
    async deregister(instance) {
      if (byService.get(instance.service)?.delete(instance.id)) notify(instance.service);
    },
    async instances(service) {
      return listOf(service);
    },
    async watch(service, listener) {
      let set = watchers.get(service);
      if (set === undefined) {
        set = new Set();
        watchers.set(service, set);
      }
      set.add(listener);
      listener(listOf(service));
      return () => void set.delete(listener);
    },
  };
}
