import type { Context } from "../context.js";
import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import type { Endpoint, Filter } from "../filter.js";

/** A call in flight: a link of the filter's FIFO list, oldest deadline first. */
interface Pending {
  at: number;
  ctx: Context;
  reject: (err: unknown) => void;
  prev: Pending | undefined;
  next: Pending | undefined;
  live: boolean;
}

function expired(ctx: Context): WegoError {
  const err = new WegoError("deadline_exceeded", "deadline exceeded");
  ctx.abort(err);
  return err;
}

function settle<T>(p: Promise<T>, done: () => boolean, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  p.then(
    (value) => {
      if (done()) resolve(value);
    },
    (err: unknown) => {
      if (done()) reject(err);
    },
  );
}

function call(next: Endpoint, ctx: Context): Promise<unknown> {
  try {
    return next(ctx);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Give the rest of the chain `ms` milliseconds: `ctx.deadline` is tightened
 * (never loosened) so outgoing calls can pass it on; when it passes, the
 * context is aborted (`ctx.signal` fires with `deadline_exceeded`, so a
 * cooperative endpoint stops its work) and the call fails with that error,
 * even if the endpoint ignores the signal (its late result is dropped).
 *
 * Every call through one filter gets the same duration, so deadlines arrive
 * in order: they wait in a FIFO list under one shared timer rather than a
 * timer each (a Node timer set and cleared cost ~1.3 µs per call).
 *
 * @example
 * filters.chain(filters.response(), filters.timeout(2_000), endpoint)
 */
export function timeout(ms: number): Filter {
  if (!(ms > 0) || !Number.isFinite(ms))
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.timeout", "ms must be a positive number");
  return (next) => {
    let head: Pending | undefined;
    let tail: Pending | undefined;
    let timer: NodeJS.Timeout | undefined;

    const unlink = (p: Pending): void => {
      p.live = false;
      if (p.prev === undefined) head = p.next;
      else p.prev.next = p.next;
      if (p.next === undefined) tail = p.prev;
      else p.next.prev = p.prev;
    };

    // Fires at the oldest deadline (or later, if that call already finished), expires what is due and re-arms.
    const fire = (): void => {
      timer = undefined;
      const now = Date.now();
      while (head !== undefined && head.at <= now) {
        const p = head;
        unlink(p);
        p.reject(expired(p.ctx));
      }
      if (head !== undefined) arm(head.at - now);
    };
    // Unref'd: a waiting call never keeps a process alive on its own (its work does).
    const arm = (delay: number): void => {
      timer = setTimeout(fire, delay);
      timer.unref();
    };

    /** A caller's deadline earlier than ours breaks the list's order: that call gets its own timer. */
    const ownTimer = (ctx: Context, delay: number): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(expired(ctx)), delay);
        settle(
          call(next, ctx),
          () => {
            clearTimeout(t);
            return true;
          },
          resolve,
          reject,
        );
      });

    return function timeoutFilter(ctx) {
      const now = Date.now();
      const at = now + ms;
      if (ctx.deadline !== undefined && ctx.deadline <= at) return ownTimer(ctx, ctx.deadline - now);
      ctx.deadline = at;
      return new Promise((resolve, reject) => {
        const p: Pending = { at, ctx, reject, prev: tail, next: undefined, live: true };
        if (tail === undefined) head = p;
        else tail.next = p;
        tail = p;
        if (timer === undefined) arm(ms);
        settle(
          call(next, ctx),
          () => {
            if (!p.live) return false;
            unlink(p);
            return true;
          },
          resolve,
          reject,
        );
      });
    };
  };
}
