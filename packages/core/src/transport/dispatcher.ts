import type { App } from "../app.js";
import type { Context, InvocationInit } from "../context.js";
import { defaultEnvelope } from "../envelope.js";
import { frameworkError } from "../errors/catalogue.js";
import { markLogged, wasLogged } from "../errors/logged.js";
import { WegoError } from "../errors/wego-error.js";
import { governanceOf } from "../governance/governance.js";
import { isSettled, settledValue } from "../settled.js";
import type { Answer, Dispatcher, DispatcherOptions, DispatchTarget, Invocation, RefusalLevel } from "./dispatch-types.js";
import { defaultInputLimits, type InputLimits, inspectInput } from "./input.js";
import { internalsOf } from "./internals.js";
import { isValidRequestId } from "./request-id.js";

export type { Answer, Dispatcher, DispatcherOptions, DispatchTarget, Invocation, RefusalLevel } from "./dispatch-types.js";

// The default envelope's success body around its two variable parts.
const OK_HEAD = '{"code":"ok","message":"ok","data":';
const OK_MID = ',"requestId":"';
const OK_TAIL = '"}';

/**
 * Build the dispatcher of one transport for `app` (call it in the router's
 * `start`). Cheap on the hot path: no closure or promise per invocation when
 * the handler finishes synchronously, one reaction when it doesn't.
 */
export function createDispatcher(app: App, options: DispatcherOptions): Dispatcher {
  const internals = internalsOf(app);
  const { host } = internals;
  const transport = options.transport;
  const refusalLevel: RefusalLevel = options.refusals ?? "debug";
  const limits: InputLimits = {
    maxDepth: app.config.get("input.maxDepth", defaultInputLimits.maxDepth),
    maxBytes: app.config.get("input.maxBytes", defaultInputLimits.maxBytes),
  };
  const envelope = app.envelope;
  const fast = envelope === defaultEnvelope;
  const expose = !app.production;
  // Config-driven policies (markers → limit, breaker, bulkhead, timeout, fault): one comparison per invocation while none is set.
  const governance = governanceOf(app);
  let active = 0;
  let closed = false;
  let idle: (() => void) | undefined;

  // One init object per dispatcher, refilled for each context: a Context copies
  // what it needs in its constructor, so nothing is allocated per invocation.
  const scratch: InvocationInit = { transport, route: "" };
  const initOf = (route: string, handler: string, inv: Invocation): InvocationInit => {
    scratch.route = route;
    scratch.handler = handler;
    scratch.request = inv.request;
    scratch.meta = inv.meta;
    scratch.id = isValidRequestId(inv.id) ? inv.id : undefined;
    scratch.deadline = inv.deadline;
    scratch.signal = inv.signal;
    scratch.values = inv.values;
    return scratch;
  };

  function logRefusal(ctx: Context, e: WegoError): void {
    if (!host.log.isLevelEnabled(refusalLevel)) return;
    ctx.log[refusalLevel]({ code: e.code, reason: e.reason }, "%s refused: %s", ctx.handler || ctx.route, e.rawMessage);
  }

  /** Normalise and log a failure once: faults at error with their stack, refusals below error without. */
  function failure(ctx: Context, err: unknown): WegoError {
    const e = WegoError.from(err);
    if (e.exposable) logRefusal(ctx, e);
    else if (!wasLogged(e) && !wasLogged(err)) {
      ctx.log.error({ err: e.cause ?? e }, "unhandled error in handler %s", ctx.handler);
      markLogged(e);
    }
    return e;
  }

  // The pending answer rides on the context (no map lookup, no hashing per invocation).
  function finish(ctx: Context): Answer | undefined {
    const p = ctx._answer as Answer | undefined;
    if (p === undefined) return undefined;
    ctx._answer = undefined;
    internals.untrack(ctx);
    if (--active === 0 && idle !== undefined) idle();
    return p;
  }

  function settleOk(ctx: Context, result: unknown): void {
    const p = finish(ctx);
    if (p !== undefined) deliver(p, ctx, undefined, result);
  }

  function settleErr(ctx: Context, err: unknown): void {
    const p = finish(ctx);
    if (p !== undefined) deliver(p, ctx, failure(ctx, err), undefined);
  }

  function deliver(answer: Answer, ctx: Context, e: WegoError | undefined, result: unknown): void {
    try {
      answer(ctx, e, result);
    } catch (err) {
      ctx.log.error({ err }, "the %s transport's answer to %s threw", transport, ctx.handler);
    }
  }

  /**
   * Why an invocation is refused before its handler runs (stopping, input
   * checks), if it is; an admitted request refused here is no longer counted,
   * so a drain waiting on it ends.
   */
  function refusalOf(inv: Invocation): WegoError | undefined {
    let refusal: WegoError | undefined;
    if ((closed && inv.admitted !== true) || internals.stopped()) refusal = frameworkError("WEGO_ERR_APP_STOPPING");
    else if (inv.checked !== true) refusal = inspectInput(inv.request, limits.maxDepth);
    if (refusal !== undefined && inv.admitted === true) release();
    return refusal;
  }

  function release(): void {
    if (--active === 0 && idle !== undefined) idle();
  }

  // What a context calls when it is aborted; also tells this dispatcher's contexts apart.
  const owner = { aborted: settleErr };

  /**
   * Start `ctx`'s invocation: counted (an admitted request is counted already:
   * it becomes the invocation) and tracked, with `answer` pending on it. Or,
   * refused before its handler, the context disposed and the refusal returned.
   */
  function begin(ctx: Context, inv: Invocation, answer: Answer): WegoError | undefined {
    const refusal = refusalOf(inv);
    if (refusal !== undefined) {
      ctx.dispose();
      return failure(ctx, refusal);
    }
    if (inv.admitted !== true) active++;
    internals.track(ctx);
    ctx._owner = owner;
    ctx._answer = answer;
    return undefined;
  }

  function run(target: DispatchTarget, ctx: Context): Promise<unknown> {
    return governance.rules === undefined ? target.endpoint(ctx) : governance.run(target, ctx);
  }

  function dispatch(target: DispatchTarget, inv: Invocation, answer: Answer): Context {
    const ctx = internals.context(initOf(target.route, target.handler, inv));
    const refused = begin(ctx, inv, answer);
    if (refused !== undefined) {
      deliver(answer, ctx, refused, undefined);
      return ctx;
    }
    if (ctx.aborted) {
      // The caller's signal had fired already, or the deadline had passed.
      settleErr(ctx, ctx.signal.reason);
      return ctx;
    }
    let p: Promise<unknown>;
    try {
      p = run(target, ctx);
    } catch (err) {
      settleErr(ctx, err);
      return ctx;
    }
    if (p === null || typeof p !== "object" || typeof (p as Promise<unknown>).then !== "function") settleOk(ctx, p);
    else if (isSettled(p)) settleOk(ctx, settledValue(p));
    else
      p.then(
        (v) => settleOk(ctx, v),
        (err: unknown) => settleErr(ctx, err),
      );
    return ctx;
  }

  // Marks a promise-style call as pending on its context; the promise itself settles from `p.then` in `call`.
  const byPromise: Answer = () => {};

  function call(target: DispatchTarget, inv: Invocation): Promise<unknown> {
    // A deadline or a signal may end the call before its endpoint settles: only the answer path can race them.
    if (inv.deadline !== undefined || inv.signal !== undefined)
      return new Promise((resolve, reject) => dispatch(target, inv, (_ctx, e, r) => (e === undefined ? resolve(r) : reject(e))));
    const ctx = internals.context(initOf(target.route, target.handler, inv));
    const refused = begin(ctx, inv, byPromise);
    if (refused !== undefined) return Promise.reject(refused);
    let p: Promise<unknown>;
    try {
      p = run(target, ctx);
    } catch (err) {
      finish(ctx);
      return Promise.reject(failure(ctx, err));
    }
    if (p === null || typeof p !== "object" || typeof (p as Promise<unknown>).then !== "function") {
      finish(ctx);
      return Promise.resolve(p);
    }
    if (isSettled(p)) {
      finish(ctx);
      return p;
    }
    // The caller gets the endpoint's own promise and owns its outcome; tracking
    // ends on one reaction beside the caller's, so the call costs what
    // awaiting the endpoint costs and no microtask more.
    const done = (): void => void finish(ctx);
    p.then(done, done);
    return p;
  }

  function encode(ctx: Context, error: WegoError | undefined, result: unknown): string {
    if (error === undefined && fast) {
      // A request id is plain ASCII (see isValidRequestId; generated ids are URL-safe): no escaping needed.
      let json = result === undefined ? "null" : JSON.stringify(result);
      if (json === undefined) json = "null";
      return OK_HEAD + json + OK_MID + ctx.id + OK_TAIL;
    }
    return JSON.stringify(envelopeOf(ctx, error, result));
  }

  function envelopeOf(ctx: Context, error: WegoError | undefined, result: unknown): unknown {
    return error === undefined ? envelope.ok(result, ctx) : envelope.error(error, ctx, expose);
  }

  const dispatcher: Dispatcher = {
    transport,
    limits,
    get active() {
      return active;
    },
    get closed() {
      return closed;
    },
    dispatch,
    call,
    refuse(route, inv, error, answer) {
      const ctx = internals.context(initOf(route, "", inv));
      ctx.dispose();
      deliver(answer, ctx, failure(ctx, error), undefined);
      return ctx;
    },
    context(route, inv = {}) {
      return internals.context(initOf(route, "", inv));
    },
    admit() {
      active++;
    },
    release,
    abort(match, reason, limit = Number.POSITIVE_INFINITY) {
      let n = 0;
      // The iterator reads a context's successor before yielding it: aborting (which unlinks it) is safe here.
      for (const ctx of internals.inflight()) {
        if (n >= limit) break;
        if (ctx._owner === owner && ctx._answer !== undefined && match(ctx)) {
          ctx.abort(reason);
          n++;
        }
      }
      return n;
    },
    close() {
      closed = true;
    },
    async drain(signal) {
      closed = true;
      if (active > 0) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            idle = undefined;
            signal.removeEventListener("abort", done);
            resolve();
          };
          idle = done;
          if (signal.aborted) done();
          else signal.addEventListener("abort", done, { once: true });
        });
      }
      if (signal.aborted) {
        const reason = frameworkError("WEGO_ERR_SHUTDOWN_DEADLINE");
        for (const ctx of internals.inflight()) if (ctx._owner === owner) ctx.abort(reason);
      }
    },
    encode(ctx, error, result, failed) {
      try {
        return encode(ctx, error, result);
      } catch (err) {
        // A result JSON can't carry (BigInt, a cycle) is our fault, not the caller's.
        const e = failure(ctx, new WegoError("internal", `result cannot be serialised: ${(err as Error).message}`, { cause: err }));
        failed?.(e);
        try {
          return JSON.stringify(envelope.error(e, ctx, expose));
        } catch {
          return JSON.stringify(defaultEnvelope.error(e, ctx, expose));
        }
      }
    },
    envelope: envelopeOf,
  };
  return dispatcher;
}
