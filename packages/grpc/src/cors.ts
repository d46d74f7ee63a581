import { cors as connectCors } from "@connectrpc/connect";
import { grpcError } from "./grpc-errors.js";

/** Cross-origin access for browsers calling with gRPC-Web or Connect. */
export interface CorsOptions {
  /** Origins allowed to call, e.g. `["https://app.example.com"]`, or "*" for any (then without credentials). */
  origins: readonly string[] | "*";
  /** Request headers a browser may send besides the protocols' own and `x-request-id`. */
  allowHeaders?: readonly string[];
  /** Response headers a browser may read besides the protocols' own. */
  exposeHeaders?: readonly string[];
  /** Allow cookies and HTTP auth (`Access-Control-Allow-Credentials`); not with "*". */
  credentials?: boolean;
  /** How long a browser may cache a preflight answer; default 7200 s. */
  maxAgeSeconds?: number;
}

type HeaderBag = Record<string, string>;

export interface Cors {
  /** Headers for the answer to a preflight (OPTIONS with Access-Control-Request-Method). */
  preflight(origin: string | undefined): HeaderBag;
  /** Headers to add to an actual response; undefined when the origin is not allowed or absent. */
  actual(origin: string | undefined): HeaderBag | undefined;
}

/** Build the CORS answers once, at start; a bad combination fails the start. */
export function createCors(options: CorsOptions): Cors {
  if (options.origins === "*" && options.credentials) throw grpcError("WEGO_ERR_GRPC_CORS", 'origins "*" with credentials');
  const any = options.origins === "*";
  const allowed = new Set(any ? [] : options.origins);
  const credentials: HeaderBag = options.credentials ? { "access-control-allow-credentials": "true" } : {};
  const allow = (origin: string | undefined): origin is string => origin !== undefined && (any || allowed.has(origin));
  const preflight: HeaderBag = {
    "access-control-allow-methods": connectCors.allowedMethods.join(", "),
    "access-control-allow-headers": [...connectCors.allowedHeaders, "X-Request-Id", ...(options.allowHeaders ?? [])].join(", "),
    "access-control-max-age": String(options.maxAgeSeconds ?? 7200),
    ...credentials,
  };
  const expose = [...connectCors.exposedHeaders, ...(options.exposeHeaders ?? [])].join(", ");
  return {
    preflight(origin) {
      if (!allow(origin)) return { vary: "Origin" };
      return { ...preflight, "access-control-allow-origin": any && !options.credentials ? "*" : origin, vary: "Origin" };
    },
    actual(origin) {
      if (!allow(origin)) return undefined;
      return {
        "access-control-allow-origin": any ? "*" : origin,
        "access-control-expose-headers": expose,
        vary: "Origin",
        ...credentials,
      };
    },
  };
}
