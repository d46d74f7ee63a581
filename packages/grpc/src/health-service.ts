import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, WegoError } from "@wego/core";
import type { Dispatcher } from "@wego/core/transport";
import type { CallInit, CallReply, UnaryBinding } from "./call.js";
import { methodPath } from "./call.js";
import {
  Health,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as Status,
} from "./gen/grpc/health/v1/health_pb.js";

const serving = (ready: boolean): HealthCheckResponse =>
  create(HealthCheckResponseSchema, { status: ready ? Status.SERVING : Status.NOT_SERVING });

/** Options of the health service. */
export interface HealthOptions {
  /** How often `Watch` re-evaluates readiness, in ms. */
  pollMs: number;
  /** Fires when the router stops: watchers get NOT_SERVING and their stream ends. */
  stopping: AbortSignal;
}

/** The health service's methods: Check and List as unary bindings (both protocol paths), Watch as a connect implementation. */
export interface HealthBindings {
  check: UnaryBinding<typeof Health.method.check.input, typeof Health.method.check.output>;
  list: UnaryBinding<typeof Health.method.list.input, typeof Health.method.list.output>;
  watch: ServiceImpl<typeof Health>["watch"];
}

/**
 * The standard `grpc.health.v1.Health`, driven by `app.readiness()`: SERVING
 * while the app runs and every readiness check passes, NOT_SERVING while it
 * starts, drains or a check fails. `services` are the names a client may ask
 * about; "" is the whole server; other names are NOT_FOUND (Check) or
 * SERVICE_UNKNOWN (Watch), as the protocol says. Probes are answered by the
 * router, not dispatched: they are not invocations.
 */
export function healthService(app: App, d: Dispatcher, services: ReadonlySet<string>, options: HealthOptions): HealthBindings {
  const ready = async (): Promise<boolean> => !options.stopping.aborted && (await app.readiness()).ready;
  const known = (service: string): boolean => service === "" || services.has(service);

  /** A probe answered by the router itself, outside dispatch: not an invocation, so not held by the drain. */
  function probe<I, O extends DescMessage>(run: (input: I) => Promise<MessageInitShape<O>>) {
    return (input: I, init: CallInit, reply: CallReply<O>): undefined => {
      if (init.admitted) d.release();
      run(input).then(
        (out) => reply(undefined, out, undefined),
        (err: unknown) => reply(WegoError.from(err), undefined, undefined),
      );
      return undefined;
    };
  }

  const check: HealthBindings["check"] = {
    method: Health.method.check,
    path: methodPath(Health.method.check),
    invoke: probe(async (input: { service: string }) => {
      if (!known(input.service)) throw new WegoError("not_found", `unknown service "${input.service}"`);
      return serving(await ready());
    }),
  };

  const list: HealthBindings["list"] = {
    method: Health.method.list,
    path: methodPath(Health.method.list),
    invoke: probe(async () => {
      const status = serving(await ready());
      const statuses: Record<string, HealthCheckResponse> = { "": status };
      for (const s of services) statuses[s] = status;
      return { statuses };
    }),
  };

  /** Server streaming, so it is served through connect's protocol handlers only. */
  const watch: HealthBindings["watch"] = async function* watch(input, hctx) {
    let last: Status | undefined;
    const stop = AbortSignal.any([options.stopping, hctx.signal]);
    while (!stop.aborted) {
      const status = !known(input.service) ? Status.SERVICE_UNKNOWN : (await ready()) ? Status.SERVING : Status.NOT_SERVING;
      if (status !== last) {
        last = status;
        yield { status };
      }
      await sleep(options.pollMs, stop);
    }
    if (options.stopping.aborted && !hctx.signal.aborted && last !== Status.NOT_SERVING) yield { status: Status.NOT_SERVING };
  };

  return { check, list, watch };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
