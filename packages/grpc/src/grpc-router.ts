import type { DescMessage, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { createConnectRouter, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import {
  type App,
  type Endpoint,
  type ResolvedHandler,
  type RouteInfo,
  type Router,
  type StopOptions,
  targetName,
  WegoError,
} from "@wego/core";
import type { CallState, UnaryBinding } from "./call.js";
import { toConnectError } from "./code-map.js";
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

export interface GrpcRouterOptions {
  /** Port; default config `grpc.port`, else 9341 (the original's). 0 picks a free one (see `router.port`). */
  port?: number;
  /** Interface to bind; default config `grpc.host`, else "0.0.0.0". */
  host?: string;
  /** Serve TLS (HTTP/2 negotiated by ALPN, HTTP/1.1 for gRPC-Web/Connect too); default config `grpc.tls.key`/`grpc.tls.cert` (file paths), else cleartext. */
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

/** The gRPC router: the generic wego.v1 service plus typed services, on one port. */
export interface GrpcRouter extends Router {
  /** A route of the generic `wego.v1.WegoService/Handle` (the seed's `Route("Two", handler)`). */
  route(name: string, target: string | Endpoint): this;
  /** Map methods of a typed service to handlers: `{ echo: "echo" }` or `{ Echo: endpoint }`. */
  service(service: DescService, targets: ServiceTargets): this;
  /** The port listened on once started (useful with port 0). */
  readonly port: number | undefined;
  /** Generic route names and typed method paths (`/package.Service/Method`), with their handlers. */
  routes(): RouteInfo[];
}

/**
 * Create the gRPC router. It serves gRPC, gRPC-Web and the Connect protocol
 * on one port, for the generic `wego.v1` service, the typed services given
 * to `.service()`, and `grpc.health.v1`.
 */
export function createGrpcRouter(options: GrpcRouterOptions = {}): GrpcRouter {
  const routeTargets = new Map<string, string | Endpoint>();
  const services = new Map<DescService, ServiceTargets>();
  let listener: Listener | undefined;
  let stopping: AbortController | undefined;
  let serving: (UnaryLimits & ServeOptions) | undefined;

  const router: GrpcRouter = {
    route(name, target) {
      if (routeTargets.has(name)) throw grpcError("WEGO_ERR_GRPC_ROUTE_DUPLICATE", name);
      routeTargets.set(name, target);
      return router;
    },
    service(service, targets) {
      if (services.has(service) || service.typeName === WegoService.typeName || service.typeName === Health.typeName) {
        throw grpcError("WEGO_ERR_GRPC_SERVICE_DUPLICATE", service.typeName);
      }
      methodsOf(service, targets); // fail at registration, not at start
      services.set(service, targets);
      return router;
    },
    get port() {
      return listener?.port;
    },
    routes() {
      const out: RouteInfo[] = [];
      for (const [route, t] of routeTargets) out.push({ route, handler: targetName(t) });
      for (const [service, targets] of services) {
        for (const [method, t] of methodsOf(service, targets)) {
          const route = `/${service.typeName}/${method.name}`;
          out.push({ route, handler: targetName(t) });
        }
      }
      return out;
    },
    async start(app: App) {
      const cfg = app.config;
      const readMaxBytes = options.readMaxBytes ?? cfg.get("grpc.readMaxBytes", 4 * 1024 * 1024);
      const writeMaxBytes = options.writeMaxBytes ?? cfg.get("grpc.writeMaxBytes", 4 * 1024 * 1024);
      const expose = !app.production;

      const resolved = new Map<string, ResolvedHandler>();
      for (const [name, target] of routeTargets) resolved.set(name, app.resolve(target, name));
      const typed = new Map<DescService, UnaryBinding[]>();
      for (const [service, targets] of services) {
        typed.set(
          service,
          methodsOf(service, targets).map(([method, target]) => typedBinding(app, method, target)),
        );
      }

      stopping = new AbortController();
      const healthOpt = options.health ?? true;
      const served = new Set([WegoService.typeName, ...[...services.keys()].map((s) => s.typeName)]);
      const health = healthOpt
        ? healthService(app, served, { pollMs: (typeof healthOpt === "object" && healthOpt.pollMs) || 1000, stopping: stopping.signal })
        : undefined;

      const connect = createConnectRouter({ readMaxBytes, writeMaxBytes, acceptCompression: [compressionGzip, compressionBrotli] });
      const unary = new Map<string, UnaryBinding>();
      const add = (b: UnaryBinding): UnaryBinding => {
        unary.set(b.path, b);
        return b;
      };
      connect.service(WegoService, { handle: connectUnary(add(genericBinding(app, resolved)), expose) });
      for (const [service, bindings] of typed) {
        const impl: Record<string, unknown> = {};
        for (const b of bindings) impl[b.method.localName] = connectUnary(add(b), expose);
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
      serving = { readMaxBytes, writeMaxBytes, expose, shutdown: undefined, onError };

      listener = await listen({
        port: options.port ?? cfg.get("grpc.port", 9341),
        host: options.host ?? cfg.get("grpc.host", "0.0.0.0"),
        tls: options.tls ?? tlsFromConfig(app),
        ...createDispatch(unary, handlers, serving, options.cors ? createCors(options.cors) : undefined),
      });
      app.log.info({ port: listener.port, routes: routeTargets.size, services: services.size }, "grpc router listening");
    },
    async stop(opts: StopOptions) {
      stopping?.abort();
      // Registered before the listener's own: calls cut short at the deadline
      // carry the shutdown reason, not "the caller cancelled".
      const s = serving;
      if (s) opts.signal.addEventListener("abort", () => (s.shutdown = opts.signal.reason), { once: true });
      await listener?.close(opts.signal);
      listener = undefined;
    },
  };
  return router;
}

/** A unary binding as a connect implementation (gRPC-Web, Connect, and gRPC through connect). */
function connectUnary<I extends DescMessage, O extends DescMessage>(
  binding: UnaryBinding<I, O>,
  expose: boolean,
): (input: MessageShape<I>, hctx: HandlerContext) => Promise<MessageInitShape<O>> {
  return (input, hctx) => {
    const state: CallState = { ctx: undefined };
    const timeout = hctx.timeoutMs();
    const requestId = hctx.requestHeader.get("x-request-id") ?? undefined;
    return binding
      .call(
        input,
        {
          meta: metaFromHeaders(hctx.requestHeader),
          requestId,
          deadline: timeout === undefined ? undefined : Date.now() + timeout,
          signal: hctx.signal,
        },
        state,
      )
      .catch((err: unknown) => {
        throw toConnectError(WegoError.from(err), state.ctx?.id ?? requestId, expose);
      });
  };
}

function tlsFromConfig(app: App): TlsOptions | undefined {
  const key = app.config.get("grpc.tls.key", "");
  const cert = app.config.get("grpc.tls.cert", "");
  if (!key && !cert) return undefined;
  if (!key || !cert) throw grpcError("WEGO_ERR_GRPC_TLS", `config grpc.tls.key="${key}", grpc.tls.cert="${cert}"`);
  return { keyFile: key, certFile: cert };
}
