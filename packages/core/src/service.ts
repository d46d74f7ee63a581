import type { Context } from "./context.js";
import { frameworkError } from "./errors/catalogue.js";
import { WegoError } from "./errors/wego-error.js";
import { resolved } from "./resolved.js";

/** Call the rest of the chain; resolves when everything after this service has run. */
export type Next = () => Promise<void>;

/** A service as a function: code before `await next()` runs on the way in, code after it on the way out. */
export type ServiceFn = (ctx: Context, next: Next) => unknown;

/** A service as an object (the seed's `Handle(ctx)` style), e.g. a class instance. */
export interface ServiceObject {
  handle(ctx: Context, next: Next): unknown;
}

export type Service = ServiceFn | ServiceObject;

const noNext: Next = () => resolved;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

function nameOf(s: Service): string {
  if (typeof s === "function") return s.name || "(anonymous)";
  return (s as object).constructor?.name ?? "(service)";
}

/** Turn a Service into its function form, rejecting anything else at composition time. */
export function toServiceFn(s: Service, where = "a service"): ServiceFn {
  if (typeof s === "function") return s;
  if (s !== null && typeof s === "object" && typeof (s as ServiceObject).handle === "function") {
    const obj = s as ServiceObject;
    const fn: ServiceFn = (ctx, next) => obj.handle(ctx, next);
    Object.defineProperty(fn, "name", { value: nameOf(obj) });
    return fn;
  }
  throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", where, "handle(ctx, next)", describe(s));
}

/**
 * What a service returned, as the promise the chain passes on: nothing (a
 * service that finished synchronously) becomes the shared `resolved`, so a
 * chain whose services all finished synchronously returns exactly `resolved`.
 */
function settle(r: unknown): Promise<void> {
  return r === undefined ? resolved : (Promise.resolve(r) as Promise<unknown> as Promise<void>);
}

/**
 * Compose services into one (koa-compose semantics): each runs code before and
 * after `await next()`, so a service sees what later services produced. A
 * service that doesn't call `next` ends the chain there. Calling `next` twice
 * is an error. The chain is itself a Service, so chains nest.
 */
function chain(...list: Service[]): ServiceFn {
  const fns = list.flat().map((s, i) => toServiceFn(s, `services.chain argument ${i}`));
  const n = fns.length;
  if (n === 0) return (_ctx, next) => next();
  if (n === 1) {
    const only = fns[0] as ServiceFn;
    return (ctx, next) => {
      let called = false;
      return settle(
        only(ctx, () => {
          if (called) return Promise.reject(frameworkError("WEGO_ERR_NEXT_TWICE", only.name || "#0"));
          called = true;
          return next ? next() : resolved;
        }),
      );
    };
  }
  const composed: ServiceFn = (ctx, next) => {
    let index = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= index) {
        return Promise.reject(frameworkError("WEGO_ERR_NEXT_TWICE", (fns[i - 1] as ServiceFn).name || `#${i - 1}`));
      }
      index = i;
      if (i === n) return next ? next() : resolved;
      const fn = fns[i] as ServiceFn;
      try {
        return settle(fn(ctx, () => dispatch(i + 1)));
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  };
  return composed;
}

/**
 * Run services concurrently, each on a fork of the context (own values and
 * result, so branches never race on shared state). When all succeed, their
 * results and values are merged in argument order (later wins on a clash),
 * then the chain continues. The first failure aborts the other branches
 * through their signal and rejects with that failure.
 */
function parallel(...list: Service[]): ServiceFn {
  const fns = list.flat().map((s, i) => toServiceFn(s, `services.parallel argument ${i}`));
  return async (ctx, next) => {
    const ac = new AbortController();
    const onParentAbort = (): void => ac.abort(ctx.signal.reason);
    ctx.signal.addEventListener("abort", onParentAbort, { once: true });
    const forks = fns.map(() => ctx.fork(ac.signal));
    let failure: unknown;
    try {
      await Promise.all(
        fns.map((fn, i) =>
          Promise.resolve()
            .then(() => fn(forks[i] as Context, noNext))
            .catch((err: unknown) => {
              if (failure === undefined) {
                failure = err;
                ac.abort(new WegoError("aborted", "a parallel sibling failed", { cause: err }));
              }
              throw err;
            }),
        ),
      );
    } catch {
      throw failure;
    } finally {
      ctx.signal.removeEventListener("abort", onParentAbort);
      for (const f of forks) f.dispose();
    }
    for (const f of forks) {
      ctx.adopt(f.entries());
      const r = f.result;
      if (r === undefined) continue;
      if (r !== null && typeof r === "object" && !Array.isArray(r)) {
        for (const [k, v] of Object.entries(r)) ctx.response(k, v);
      } else {
        ctx.result = r;
      }
    }
    await next();
  };
}

/** Compose services: `chain` (an onion, koa-compose semantics) and `parallel` (concurrent branches, merged in order). */
export const services = {
  /** Compose services into one: each runs code before and after `await next()`; calling `next` twice is an error. */
  chain,
  /** Run services concurrently on forks of the context; results merge in argument order; the first failure aborts the rest. */
  parallel,
} as const;
