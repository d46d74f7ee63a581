import type { DescMessage, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { createConnectRouter, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import type { App, RouteInfo, Router, StopOptions } from "@wego/core";
import { createDispatcher, createRouteTable, type Dispatcher, type RouteTarget, tlsFromConfig as tlsOfConfig } from "@wego/core/transport";
import { takeAdmission } from "./admission.js";
import { type GrpcRouteSpec, methodPath, type UnaryBinding } from "./call.js";
import { toConnectError } from "./code-map.js";
import { compressionDeflate } from "./compression-deflate.js";
import { type CorsOptions, createCors } from "./cors.js";
import { createDispatch } from "./dispatch.js";
import { Health } from "./gen/grpc/health/v1/health_pb.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { genericBinding } from "./generic-service.js";
import { grpcError } from "./grpc-errors.js";
import type { UnaryLimits } from "./grpc-unary.js";
import { healthService } from "./health-service.js";
import { type Listener, listen, type TlsOptions } from "./listen.js";
import { metaFromHeaders } from "./meta.js";
import type { ServeOptions } from "./stream-adapter.js";
import { methodsOf, type ServiceTargets, typedBinding } from "./typed-service.js";

/** Options of {@link createGrpcRouter}; each falls back to the app's config, then to a default. */
export interface GrpcRouterOptions {
  /** Port; default config `grpc.port`, else 9341 (the original's). 0 picks a free one (see `router.port`). */
  port?: number;
  /** Interface to bind; default config `grpc.host`, else "127.0.0.1" (set "0.0.0.0" to serve other hosts). */
  host?: string;
  /**
   * Serve TLS (HTTP/2 negotiated by ALPN, HTTP/1.1 for gRPC-Web/Connect too): `cert`, `key` (PEM or file
   * paths, reloaded when the files change), `ca` and `requestCert` for mutual TLS; default config
   * `grpc.tls.*`, else cleartext.
   */
  tls?: TlsOptions;
  /** Largest request message accepted, in bytes (RESOURCE_EXHAUSTED beyond); default config `grpc.readMaxBytes`, else 4 MiB. */
  readMaxBytes?: number;
  /** Largest response message sent, in bytes; default config `grpc.writeMaxBytes`, else 4 MiB. */
  writeMaxBytes?: number;
  /** Serve grpc.health.v1.Health (default true); `pollMs` is how often Watch re-evaluates readiness (default 1000). */
  health?: boolean | { pollMs?: number };
  /** Let browsers on other origins call with gRPC-Web and Connect. */
  cors?: CorsOptions;
}

/**
 * The gRPC router: the generic wego.v1 service plus typed services, on one
 * port. `R` maps generic route names to targets at the type level only (typed clients read it).
 */
export interface GrpcRouter<R extends object = Record<never, never>> extends Router {
  /** A route of the generic `wego.v1.WegoService/Handle` (the seed's `Route("Two", handler)`): a handler name, a typed handler or an endpoint. */
  route<K extends string, T extends RouteTarget>(name: K, target: T): GrpcRouter<R & { [P in K]: T }>;
  /** Map methods of a typed service to handlers: `{ echo: "echo" }`, `{ Echo: typedHandler }`. */
  service(service: DescService, targets: ServiceTargets): this;
  /** The port listened on once started (useful with port 0). */
  readonly port: number | undefined;
  /** Type-level only (never set): the typed generic routes, for typed clients. */
  readonly "~routes"?: R;
  /** Generic route names and typed method paths (`/package.Service/Method`), with their handlers, in registration order. */
  routes(): RouteInfo[];
}

const reserved = new Set([WegoService.typeName, Health.typeName]);

/**
 * Create the gRPC router. It serves gRPC, gRPC-Web and the Connect protocol
 * on one port, for the generic `wego.v1` service, the typed services given
 * to `.service()`, and `grpc.health.v1`. Routes register before start only
 * (`WEGO_ERR_ROUTE_LATE` after, `WEGO_ERR_ROUTE_DUPLICATE` twice) and resolve
 * at start (an unknown handler fails the start).
 *
 * @example
 * const grpc = createGrpcRouter({ port: 9341 });
 * grpc.route("greet", greet); // a typed handler (defineHandler) or a handler name
 * grpc.service(EchoService, { echo: "echo" });
 * app.router("grpc", grpc);
 */
export function createGrpcRouter(options: GrpcRouterOptions = {}): GrpcRouter {
  const table = createRouteTable<GrpcRouteSpec>("grpc");
  let listener: Listener | undefined;
  let stopping: AbortController | undefined;
  let dispatcher: Dispatcher | undefined;

  const router: GrpcRouter = {
    route(name, target) {
      table.add(name, target, { method: undefined });
      return router as never;
    },
    service(service, targets) {
      if (reserved.has(service.typeName)) throw grpcError("WEGO_ERR_GRPC_SERVICE_RESERVED", service.typeName);
      // Unknown and streaming methods fail here, at registration, not at start.
      const routes = methodsOf(service, targets).map(([method, target]) => [methodPath(method), target, method] as const);
      // All or nothing: a late or taken method throws (WEGO_ERR_ROUTE_LATE / _DUPLICATE) before any is added.
      for (const [path, target] of routes) if (table.started || table.has(path)) table.add(path, target, { method: undefined });
      for (const [path, target, method] of routes) table.add(path, target, { method });
      return router;
    },
    get port() {
      return listener?.port;
    },
    routes() {
      return table.routes();
    },
    async start(app: App) {
      const cfg = app.config;
      const readMaxBytes = options.readMaxBytes ?? cfg.get("grpc.readMaxBytes", 4 * 1024 * 1024);
      const writeMaxBytes = options.writeMaxBytes ?? cfg.get("grpc.writeMaxBytes", 4 * 1024 * 1024);
      const expose = !app.production;
      const tls = options.tls ?? tlsFromConfig(app);
      const cors = options.cors ? createCors(options.cors) : undefined;
      table.start(app);
      const d = createDispatcher(app, { transport: "grpc" });
      dispatcher = d;

      stopping = new AbortController();
      const services = new Map<string, DescService>();
      for (const e of table.entries()) if (e.spec.method !== undefined) services.set(e.spec.method.parent.typeName, e.spec.method.parent);
      const healthOpt = options.health ?? true;
      const health = healthOpt
        ? healthService(app, d, new Set([WegoService.typeName, ...services.keys()]), {
            pollMs: (typeof healthOpt === "object" && healthOpt.pollMs) || 1000,
            stopping: stopping.signal,
          })
        : undefined;

      const connect = createConnectRouter({
        readMaxBytes,
        writeMaxBytes,
        acceptCompression: [compressionGzip, compressionBrotli, compressionDeflate],
      });
      const unary = new Map<string, UnaryBinding>();
      const add = (b: UnaryBinding): UnaryBinding => {
        unary.set(b.path, b);
        return b;
      };
      connect.service(WegoService, { handle: connectUnary(add(genericBinding(d, table, app.envelope)), expose) });
      for (const service of services.values()) {
        const impl: Record<string, unknown> = {};
        for (const e of table.entries())
          if (e.spec.method?.parent === service) impl[e.spec.method.localName] = connectUnary(add(typedBinding(d, e)), expose);
        connect.service(service, impl as ServiceImpl<typeof service>);
      }
      if (health) {
        connect.service(Health, {
          check: connectUnary(add(health.check), expose),
          list: connectUnary(add(health.list), expose),
          watch: health.watch,
        });
      }
      const handlers = new Map(connect.handlers.map((h) => [h.requestPath, h]));
      const onError = (err: unknown): void => app.log.error({ err }, "grpc: a call failed outside its handler");
      const serving: UnaryLimits & ServeOptions = { dispatcher: d, readMaxBytes, writeMaxBytes, expose, onError };

      listener = await listen({
        port: options.port ?? cfg.get("grpc.port", 9341),
        host: options.host ?? cfg.get("grpc.host", "127.0.0.1"),
        tls,
        onTlsError: (err) => app.log.warn({ err }, "grpc: TLS reload failed, keeping the previous certificate"),
        ...createDispatch(unary, handlers, serving, cors),
      });
      app.log.info({ port: listener.port, routes: table.size, services: services.size }, "grpc router listening");
    },
    async stop({ signal }: StopOptions) {
      stopping?.abort();
      // Stop accepting connections and GOAWAY the open ones; calls already
      // begun (headers in, body maybe still arriving) are admitted and served.
      const closing = listener?.close(signal);
      await dispatcher?.drain(signal);
      await closing;
      listener = undefined;
    },
  };
  return router;
}

/** A unary binding as a connect implementation (gRPC-Web, Connect, and gRPC calls the lean path does not take). */
function connectUnary<I extends DescMessage, O extends DescMessage>(
  binding: UnaryBinding<I, O>,
  expose: boolean,
): (input: MessageShape<I>, hctx: HandlerContext) => Promise<MessageInitShape<O>> {
  return (input, hctx) =>
    new Promise((resolve, reject) => {
      const timeout = hctx.timeoutMs();
      binding.invoke(
        input,
        {
          meta: metaFromHeaders(hctx.requestHeader),
          id: hctx.requestHeader.get("x-request-id") ?? undefined,
          deadline: timeout === undefined ? undefined : Date.now() + timeout,
          signal: hctx.signal,
          admitted: takeAdmission(hctx.values),
        },
        (error, output, ctx) =>
          error === undefined ? resolve(output as MessageInitShape<O>) : reject(toConnectError(error, ctx?.id, expose)),
      );
    });
}

/** Config `grpc.tls.*` (`cert`, `key`, `ca`, `requestCert`), the names every wego transport reads. */
function tlsFromConfig(app: App): TlsOptions | undefined {
  const t = tlsOfConfig(app.config, "grpc");
  if (t !== undefined && (!t.key || !t.cert))
    throw grpcError("WEGO_ERR_GRPC_TLS", `config grpc.tls.key="${t.key ?? ""}", grpc.tls.cert="${t.cert ?? ""}"`);
  return t;
}
