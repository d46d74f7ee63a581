import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { App } from "../app.js";
import type { Registry, ServiceInstance } from "../ports.js";
import type { Router } from "../router.js";

/** Options of {@link createRegistration}. */
export interface RegistrationOptions {
  registry: Registry;
  /** The service's name. Config `registry.service`, default the app's name. */
  service?: string;
  /** This instance's id. Config `registry.id`, default `<host>-<pid>-<random>`. */
  id?: string;
  /** Config `registry.version`. */
  version?: string;
  /** Config `registry.zone`. */
  zone?: string;
  tags?: Record<string, string>;
  /**
   * One base URL per transport served, or a function read once the routers
   * started (so a port picked by the system is known): `{ http: () => \`http://10.0.0.7:${http.port}\` }`.
   */
  endpoints: Record<string, string | (() => string)>;
  /**
   * After deregistering and before the routers drain, wait this long, ms, so
   * clients whose watch is slower (DNS, polling) stop sending first. Default 0
   * (etcd watchers learn at once; the drain serves what still arrives).
   */
  settleMs?: number;
}

/** The router that registers the app; {@link createRegistration}. */
export interface Registration extends Router {
  /** What was registered, once started. */
  readonly instance: ServiceInstance | undefined;
}

/**
 * Register the app in a registry for as long as it serves: add it with
 * `app.router("registry", createRegistration({...}))` AFTER the routers
 * whose endpoints it publishes (routers start in order, so their ports are
 * known). On stop it deregisters BEFORE any router drains (`beforeStop`),
 * so clients stop sending before the servers stop accepting.
 *
 * @example
 * const http = createHttpRouter({ port: 0 });
 * app.router("http", http);
 * app.router("registry", createRegistration({ registry, version: "1.2.0", endpoints: { http: () => `http://127.0.0.1:${http.port}` } }));
 */
export function createRegistration(options: RegistrationOptions): Registration {
  let instance: ServiceInstance | undefined;
  let log: App["log"] | undefined;
  const leave = async (): Promise<void> => {
    const i = instance;
    if (i === undefined) return;
    instance = undefined;
    try {
      await options.registry.deregister(i);
      log?.info({ service: i.service, id: i.id }, "deregistered from the registry");
    } catch (err) {
      log?.warn({ err, service: i.service, id: i.id }, "deregistering failed (a lease expires on its own)");
    }
  };
  return {
    get instance() {
      return instance;
    },
    async start(app: App) {
      log = app.log;
      const cfg = app.config;
      const endpoints: Record<string, string> = {};
      for (const [transport, e] of Object.entries(options.endpoints)) endpoints[transport] = typeof e === "function" ? e() : e;
      const version = options.version ?? cfg.get("registry.version", "");
      const zone = options.zone ?? cfg.get("registry.zone", "");
      const i: ServiceInstance = {
        service: options.service ?? cfg.get("registry.service", app.name),
        id: options.id ?? cfg.get("registry.id", `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`),
        ...(version ? { version } : {}),
        ...(zone ? { zone } : {}),
        ...(options.tags ? { tags: options.tags } : {}),
        endpoints,
      };
      await options.registry.register(i);
      instance = i;
      app.log.info({ service: i.service, id: i.id, endpoints }, "registered in the registry");
    },
    async beforeStop() {
      await leave();
      const settle = options.settleMs ?? 0;
      if (settle > 0) await new Promise((r) => setTimeout(r, settle));
    },
    stop: leave,
  };
}
