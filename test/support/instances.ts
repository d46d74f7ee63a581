// Instances of a service "orders" for discovery tests: real apps whose handler "who" answers the instance id,
// each registered in the registry with the endpoint of the router given.
import { type App, createApp, createRegistration, type Registry, type Router } from "@wego/core";

/** Start instance `id` (version `version`) serving `router` (which routes "who"), registered under `transport`. */
export async function startInstance(
  registry: Registry,
  id: string,
  version: string,
  transport: string,
  router: Router & { readonly port: number | undefined },
): Promise<App> {
  const app = createApp({ name: "orders", logger: false, production: true, config: { env: {}, argv: [] } });
  app.handler("who", async () => id);
  app.router(transport, router);
  app.router(
    "registry",
    createRegistration({ registry, id, version, endpoints: { [transport]: () => `http://127.0.0.1:${router.port}` } }),
  );
  await app.start();
  return app;
}

/** How many times each value occurs. */
export function tally(ids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}
