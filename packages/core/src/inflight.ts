import type { Context } from "./context.js";

/**
 * The set of invocations in flight, as an intrusive doubly-linked list
 * through the contexts themselves. A `Set<Context>` hashes every new context
 * (V8 allocates an identity hash per object), which cost a quarter of an
 * invocation's overhead in bench/core; linking costs two field writes.
 */
export class Inflight {
  #head: Context | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(ctx: Context): void {
    ctx._prev = undefined;
    ctx._next = this.#head;
    if (this.#head !== undefined) this.#head._prev = ctx;
    this.#head = ctx;
    this.#size++;
  }

  delete(ctx: Context): void {
    if (ctx._prev !== undefined) ctx._prev._next = ctx._next;
    else if (this.#head === ctx) this.#head = ctx._next;
    else return; // not linked
    if (ctx._next !== undefined) ctx._next._prev = ctx._prev;
    ctx._prev = undefined;
    ctx._next = undefined;
    this.#size--;
  }

  *[Symbol.iterator](): IterableIterator<Context> {
    for (let c = this.#head; c !== undefined; ) {
      const next = c._next;
      yield c;
      c = next;
    }
  }
}
