/** The query object of a request without a query string; shared, never written. */
export const NO_QUERY: Record<string, unknown> = Object.freeze(Object.create(null));

type Bag = Record<string, unknown>;

/**
 * The handler's input, merged with a fixed precedence: query string < body <
 * path parameters (a later source wins a key). A JSON object or form body is
 * the base object; any other body (JSON array or scalar, text) is placed under
 * `body`. Without a body the input is the query object (or the params object,
 * or `{}`), so a GET pays for no copy. Objects from the query string and path
 * parameters have a null prototype: read them with `Object.hasOwn`, not
 * `input.hasOwnProperty`.
 */
export function mergeInput(query: Bag, body: unknown, params: Bag, hasParams: boolean): Bag {
  const hasQuery = query !== NO_QUERY;
  if (body === undefined) {
    if (!hasParams) return hasQuery ? query : {};
    if (!hasQuery) return params;
    for (const k in params) query[k] = params[k];
    return query;
  }
  const obj: Bag = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Bag) : { body };
  if (hasQuery) {
    for (const k in query) {
      // `__proto__` from a query string would set the prototype of a plain body object.
      if (k !== "__proto__" && !Object.hasOwn(obj, k)) obj[k] = query[k];
    }
  }
  if (hasParams) for (const k in params) obj[k] = params[k];
  return obj;
}
