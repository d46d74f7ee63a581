/**
 * A typed key for values carried on a Context or an App: the type travels
 * with the key, so `ctx.get(userKey)` is typed without casts, and two
 * packages can never collide on a string.
 */
export interface ContextKey<T> {
  readonly id: symbol;
  readonly description: string;
  readonly defaultValue: T;
}

/** Create a key. `defaultValue` is what `get` returns when nothing was set. */
export function createContextKey<T>(description: string, defaultValue: T): ContextKey<T>;
export function createContextKey<T>(description: string): ContextKey<T | undefined>;
export function createContextKey<T>(description: string, defaultValue?: T): ContextKey<T | undefined> {
  return { id: Symbol(description), description, defaultValue };
}
