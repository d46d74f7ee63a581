/**
 * A result the HTTP router writes as it is (status, content type, body)
 * instead of in the app's envelope: a page, a script, a generated document.
 * Other transports see an ordinary object; return it only from routes meant
 * for HTTP.
 */
export class HttpBody {
  constructor(
    /** The content type, e.g. "text/html; charset=utf-8". */
    readonly type: string,
    /** The body. */
    readonly body: string | Uint8Array,
    /** The status; default 200. */
    readonly status = 200,
    /** Extra headers as name, value, name, value… (e.g. `["cache-control", "max-age=3600"]`). */
    readonly headers: readonly string[] = [],
  ) {}
}

/**
 * Answer an HTTP route with `body` as `type`, outside the envelope.
 *
 * @example
 * router.get("/hello.html", () => Promise.resolve(httpBody("text/html; charset=utf-8", "<h1>hello</h1>")));
 */
export function httpBody(
  type: string,
  body: string | Uint8Array,
  options: { status?: number; headers?: readonly string[] } = {},
): HttpBody {
  return new HttpBody(type, body, options.status ?? 200, options.headers ?? []);
}
