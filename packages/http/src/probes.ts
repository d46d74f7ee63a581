import type { IncomingMessage, ServerResponse } from "node:http";
import { type App, WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import { httpError } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { Responder } from "./respond.js";
import { type HttpRoute, Kind, type RouteSpec } from "./route-spec.js";

const names: Record<Kind, string> = { [Kind.App]: "", [Kind.Health]: "(health)", [Kind.Ready]: "(ready)", [Kind.Metrics]: "(metrics)" };

const notAnEndpoint = (): Promise<never> => Promise.reject(new Error("a probe is answered by the router, not dispatched"));

/**
 * The probes the router answers itself (liveness, readiness, metrics), as
 * route records the same tree matches; a probe whose path an app route
 * takes (`taken("GET /health")`) is left out: the app's route wins.
 */
export function probeRoutes(opts: ResolvedOptions, taken: (key: string) => boolean): HttpRoute[] {
  const out: HttpRoute[] = [];
  const wanted: Array<[string | undefined, Kind]> = [
    [opts.health, Kind.Health],
    [opts.ready, Kind.Ready],
    [opts.metrics, Kind.Metrics],
  ];
  for (const [path, kind] of wanted) {
    if (path === undefined || taken(`GET ${path}`)) continue;
    const key = `GET ${path}`;
    const spec: RouteSpec = { method: "GET", path, kind, hasParams: false };
    out.push({ key, route: key, spec, target: names[kind], handler: names[kind], endpoint: notAnEndpoint, info: undefined });
  }
  return out;
}

/** Answer a probe: health 200 `serving`; ready from `app.readiness()` (503 while starting or draining); metrics as Prometheus text. */
export function answerProbe(
  app: App,
  d: Dispatcher,
  responder: Responder,
  req: IncomingMessage,
  res: ServerResponse,
  route: HttpRoute,
): void {
  const ctx = d.context(route.route, { id: req.headers["x-request-id"], meta: req.headers });
  const kind = route.spec.kind;
  if (kind === Kind.Health) {
    responder.ok(res, ctx, { status: "serving" });
    return;
  }
  if (kind === Kind.Ready) {
    app.readiness().then(
      (r) => {
        if (r.ready && !responder.draining) responder.ok(res, ctx, r);
        else responder.error(res, ctx, httpError.with({ details: r })("WEGO_ERR_HTTP_NOT_READY"));
      },
      (err: unknown) => responder.error(res, ctx, WegoError.from(err)),
    );
    return;
  }
  app.metrics.metrics().then(
    (text) => responder.raw(res, ctx.id, 200, app.metrics.contentType, text),
    (err: unknown) => responder.error(res, ctx, WegoError.from(err)),
  );
}
