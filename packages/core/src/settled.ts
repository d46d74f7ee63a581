// The promise most recently made by settled(), and its value. A promise is
// recognised by identity: no property written on it (a hidden-class change
// per promise) and no lookup that walks the prototype chain on a miss. Only
// the newest one is recognised; an older one is treated as pending, which is
// merely a microtask slower, never wrong (a promise's value cannot change).
let last: Promise<unknown> | undefined;
let lastValue: unknown;

/**
 * A promise already fulfilled with `value`, marked so that whoever receives
 * it right away (the app's in-flight tracking, a transport) may read the
 * value at once instead of waiting a microtask for it. `filters.create` and
 * `filters.comm` return one when the services finished synchronously; a
 * filter that passes its inner promise through unchanged keeps the mark, any
 * other promise (a `.then`, an `async` function's) has none. Each hop saved
 * between a request and its answer is worth ~1–2 % of an HTTP round trip.
 */
export function settled<T>(value: T): Promise<T> {
  const p = Promise.resolve(value);
  // A thenable result is adopted, not settled: leave that promise unmarked.
  if (value === null || typeof value !== "object" || typeof (value as { then?: unknown }).then !== "function") {
    last = p;
    lastValue = value;
  }
  return p;
}

/** Whether `p` is the newest promise from `settled()`: its value is then `settledValue(p)`. */
export function isSettled(p: Promise<unknown>): boolean {
  return p === last;
}

/** The value of the promise `isSettled` just recognised. */
export function settledValue<T>(p: Promise<T>): T {
  if (p !== last) throw new TypeError("settledValue: not the newest settled promise; check isSettled(p) first");
  return lastValue as T;
}
