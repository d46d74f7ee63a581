import { httpError } from "./errors.js";

/** An explicit CORS policy. There is no "allow everything with credentials". */
export interface CorsOptions {
  /**
   * Allowed origins: exact strings (`"https://app.example.com"`), RegExps
   * tested against the whole origin, or a predicate. `"*"` allows any origin
   * and is refused together with `credentials`.
   */
  origins: ReadonlyArray<string | RegExp> | ((origin: string) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Default false. */
  credentials?: boolean;
  /** Methods a preflight may ask for. Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  methods?: readonly string[];
  /** Request headers a preflight may ask for. Default content-type, authorization, x-request-id, traceparent, tracestate. */
  headers?: readonly string[];
  /** Response headers the browser may read. Default x-request-id, retry-after. */
  exposeHeaders?: readonly string[];
  /** How long a browser may cache a preflight, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

/** A compiled CORS policy: header lists are built once per origin, not per request. */
export interface Cors {
  /** Headers (flat name/value list) for an actual request from `origin`, or undefined when not allowed. */
  actual(origin: string): readonly string[] | undefined;
  /** Headers for a preflight from `origin`, or undefined when not allowed. */
  preflight(origin: string): readonly string[] | undefined;
}

const MAX_CACHED_ORIGINS = 1000;

/** Validate a CORS policy and precompute its headers. */
export function createCors(options: CorsOptions): Cors {
  const { origins } = options;
  const credentials = options.credentials === true;
  let allows: (origin: string) => boolean;
  let wildcard = false;
  if (typeof origins === "function") allows = origins;
  else if (Array.isArray(origins)) {
    if (origins.length === 0) throw httpError("WEGO_ERR_HTTP_CONFIG", "cors.origins", "must list at least one origin");
    wildcard = origins.includes("*");
    if (wildcard && credentials) {
      throw httpError("WEGO_ERR_HTTP_CONFIG", "cors.origins", 'must not be "*" when cors.credentials is true; list the origins');
    }
    const exact = new Set(origins.filter((o): o is string => typeof o === "string"));
    const patterns = origins.filter((o): o is RegExp => o instanceof RegExp);
    for (const o of origins) {
      if (typeof o !== "string" && !(o instanceof RegExp))
        throw httpError("WEGO_ERR_HTTP_CONFIG", "cors.origins", "must hold strings or RegExps");
    }
    // A RegExp must match the whole origin: /example\.com/ must not admit https://evil-example.com.
    const whole = (rx: RegExp, origin: string): boolean => {
      rx.lastIndex = 0;
      const m = rx.exec(origin);
      return m !== null && m.index === 0 && m[0] === origin;
    };
    allows = (origin) => exact.has(origin) || patterns.some((rx) => whole(rx, origin));
  } else throw httpError("WEGO_ERR_HTTP_CONFIG", "cors.origins", "must be an array or a function");

  const methods = (options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).join(", ");
  const allowHeaders = (options.headers ?? ["content-type", "authorization", "x-request-id", "traceparent", "tracestate"]).join(", ");
  const expose = (options.exposeHeaders ?? ["x-request-id", "retry-after"]).join(", ");
  const maxAge = String(options.maxAgeSeconds ?? 600);

  const build = (origin: string, preflight: boolean): string[] => {
    // With a wildcard and no credentials the answer is the same for everyone: no Vary needed.
    const h = wildcard && !credentials ? ["access-control-allow-origin", "*"] : ["access-control-allow-origin", origin, "vary", "origin"];
    if (credentials) h.push("access-control-allow-credentials", "true");
    if (preflight)
      h.push("access-control-allow-methods", methods, "access-control-allow-headers", allowHeaders, "access-control-max-age", maxAge);
    else if (expose !== "") h.push("access-control-expose-headers", expose);
    return h;
  };
  // Origins seen are few; cache their header lists (bounded: origins are caller-controlled).
  const actualCache = new Map<string, readonly string[] | null>();
  const preflightCache = new Map<string, readonly string[] | null>();
  const lookup = (cache: Map<string, readonly string[] | null>, origin: string, preflight: boolean): readonly string[] | undefined => {
    let h = cache.get(origin);
    if (h === undefined) {
      h = wildcard || allows(origin) ? build(origin, preflight) : null;
      if (cache.size >= MAX_CACHED_ORIGINS) cache.clear();
      cache.set(origin, h);
    }
    return h ?? undefined;
  };
  return {
    actual: (origin) => lookup(actualCache, origin, false),
    preflight: (origin) => lookup(preflightCache, origin, true),
  };
}
