const kValue = Symbol("wego.settled");

type Marked<T> = Promise<T> & { [kValue]?: T };

/**
 * A promise already fulfilled with `value`, marked so that whoever receives
 * it (the app's in-flight tracking, a transport) may read the value at once
 * instead of waiting a microtask for it. `filters.create` and `filters.comm`
 * return one when the services finished synchronously; a filter that passes
 * its inner promise through unchanged keeps the mark, any other promise
 * (a `.then`, an `async` function's) has none. Each hop saved between a
 * request and its answer is worth ~1–2 % of an HTTP or WebSocket round trip.
 */
export function settled<T>(value: T): Promise<T> {
  const p = Promise.resolve(value) as Marked<T>;
  // A thenable result is adopted, not settled: leave that promise unmarked.
  if (value === null || typeof value !== "object" || typeof (value as { then?: unknown }).then !== "function") p[kValue] = value;
  return p;
}

/** Whether `p` came from `settled()`: its value is then `settledValue(p)`. */
export function isSettled(p: Promise<unknown>): boolean {
  return kValue in p;
}

/** The value of a promise from `settled()`. */
export function settledValue<T>(p: Promise<T>): T {
  return (p as Marked<T>)[kValue] as T;
}
