import { createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import type * as Jose from "jose";
import type { JSONWebKeySet, JWK, JWTPayload, JWTVerifyGetKey, KeyInput } from "jose";
import { LRUCache } from "lru-cache";
import { appOf } from "../app-context.js";
import type { Context } from "../context.js";
import { createContextKey } from "../context-key.js";
import { frameworkError } from "../errors/catalogue.js";
import { WegoError } from "../errors/wego-error.js";
import type { Filter } from "../filter.js";
import { lazyRequire } from "../lazy-require.js";

/** jose, loaded when the first verifier is made (see lazy-require.ts). */
const jose = (): typeof Jose => lazyRequire<typeof Jose>("jose");

export type { JWTPayload } from "jose";

/** The JWS algorithms wego accepts in an allow-list (`none` is never one of them). */
export type JwtAlgorithm =
  | "HS256"
  | "HS384"
  | "HS512"
  | "RS256"
  | "RS384"
  | "RS512"
  | "PS256"
  | "PS384"
  | "PS512"
  | "ES256"
  | "ES384"
  | "ES512"
  | "EdDSA"
  | "Ed25519";

export interface JwtOptions {
  /** The algorithms accepted; required. HS* and public-key algorithms can't be mixed (that is how key confusion starts). */
  algorithms: JwtAlgorithm[];
  /** Shared secret for HS*, at least 32 bytes. */
  secret?: string | Uint8Array;
  /** Public key for RS/PS/ES/EdDSA: PEM (SPKI or X.509 certificate), a KeyObject, CryptoKey or JWK. */
  publicKey?: string | KeyObject | webcrypto.CryptoKey | JWK;
  /** A key set: a JWKS object, or the URL of one (fetched and cached by jose). */
  jwks?: JSONWebKeySet | URL | string;
  /** Accepted `iss` values; checked when given. */
  issuer?: string | string[];
  /** Accepted `aud` values; checked when given. */
  audience?: string | string[];
  /** Leeway for `exp` / `nbf` / `iat`, in seconds. Default 5. */
  clockToleranceSec?: number;
  /** Reject tokens whose `iat` is older than this many seconds. */
  maxAgeSec?: number;
  /** Claims that must be present (e.g. `["sub", "exp"]`). Default `["exp"]`: tokens that never expire are refused. */
  requiredClaims?: string[];
  /**
   * Where the token comes from. Default: `ctx.meta.authorization` as `Bearer <token>`.
   * Other places (a cookie, a query field) only when configured here.
   */
  token?: (ctx: Context) => string | undefined;
  /** Let calls without a token through with no claims (a present but bad token still fails). Default false. */
  optional?: boolean;
  /** Say why a token was refused in the error message. Default: outside production only. */
  exposeReason?: boolean;
  /**
   * Verified tokens remembered, so a client reusing its token skips the
   * signature check (jose verifies through WebCrypto: tens to hundreds of µs).
   * Time claims are re-checked on every use. Default 1000; 0 turns it off.
   */
  cacheSize?: number;
  /** Longest a verified token is remembered, in seconds (a key removed from a JWKS stops working after this). Default 60. */
  cacheTtlSec?: number;
  /** Clock for `exp` / `nbf` checks in ms (tests). Default `Date.now`. */
  now?: () => number;
}

/** Verifies tokens with one set of options: what the jwt filter and WebSocket upgrades share. */
export interface JwtVerifier {
  /** The token's claims (frozen), or a rejected `unauthenticated` WegoError (its `cause` says why). */
  verify(token: string): Promise<JWTPayload>;
}

/** The verified claims of the caller, set by `filters.jwt`. */
export const jwtClaimsKey = createContextKey<JWTPayload | undefined>("wego.jwtClaims");

const encoder = new TextEncoder();
const HMAC = /^HS(256|384|512)$/;

function toKey(options: JwtOptions): KeyInput | JWTVerifyGetKey {
  const sources = [options.secret, options.publicKey, options.jwks].filter((k) => k !== undefined).length;
  if (sources !== 1) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt", "give exactly one of secret, publicKey or jwks");
  const hmac = options.algorithms.filter((a) => HMAC.test(a));
  if (options.secret !== undefined) {
    if (hmac.length !== options.algorithms.length) {
      throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt", "a secret verifies HS* algorithms only");
    }
    const bytes = typeof options.secret === "string" ? encoder.encode(options.secret) : options.secret;
    if (bytes.length < 32) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt secret", "must be at least 32 bytes");
    return bytes;
  }
  if (hmac.length > 0) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt", "HS* algorithms need a secret, not a public key");
  if (options.jwks !== undefined) {
    if (typeof options.jwks === "string" || options.jwks instanceof URL) return jose().createRemoteJWKSet(new URL(options.jwks));
    return jose().createLocalJWKSet(options.jwks);
  }
  const pk = options.publicKey;
  return typeof pk === "string" ? createPublicKey(pk) : (pk as KeyInput);
}

/**
 * A token verifier: signature with the allow-listed algorithms and the key,
 * then `exp` / `nbf` (with a small tolerance), `iss`, `aud`, required claims.
 * Every failure is `unauthenticated`; the reason stays in `cause`.
 *
 * @example
 * const verifier = createJwtVerifier({ algorithms: ["RS256"], publicKey: pem, issuer: "https://id.example" });
 * const claims = await verifier.verify(token);
 */
export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  return cachingVerifier(options);
}

/** The verifier plus a synchronous look-up of tokens it verified before (the filter's fast path). */
interface CachingVerifier extends JwtVerifier {
  known(token: string): JWTPayload | undefined;
}

function cachingVerifier(options: JwtOptions): CachingVerifier {
  if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) {
    throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt algorithms", "an allow-list of algorithms is required");
  }
  for (const a of options.algorithms) {
    if (!/^(HS|RS|PS|ES)(256|384|512)$|^(EdDSA|Ed25519)$/.test(a))
      throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "filters.jwt algorithms", `"${a}" is not allowed`);
  }
  const key = toKey(options);
  const { jwtVerify } = jose();
  const now = options.now;
  const verifyOptions = {
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSec ?? 5,
    requiredClaims: options.requiredClaims ?? ["exp"],
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(options.maxAgeSec !== undefined ? { maxTokenAge: options.maxAgeSec } : {}),
  };
  const clock = now ?? Date.now;
  const tolerance = verifyOptions.clockTolerance;
  const maxAge = options.maxAgeSec;
  const cacheSize = options.cacheSize ?? 1000;
  const cache =
    cacheSize > 0
      ? new LRUCache<string, JWTPayload>({ max: cacheSize, ttl: (options.cacheTtlSec ?? 60) * 1000, ttlAutopurge: false })
      : undefined;

  /** jose's time checks, for a token whose signature and other claims were verified before. */
  const stillValid = (p: JWTPayload): boolean => {
    const t = Math.floor(clock() / 1000);
    if (typeof p.exp === "number" && p.exp <= t - tolerance) return false;
    if (typeof p.nbf === "number" && p.nbf > t + tolerance) return false;
    if (maxAge !== undefined && (typeof p.iat !== "number" || t - p.iat - tolerance > maxAge)) return false;
    return true;
  };

  const known = (token: string): JWTPayload | undefined => {
    const claims = cache?.get(token);
    return claims !== undefined && stillValid(claims) ? claims : undefined;
  };

  return {
    known,
    async verify(token) {
      if (typeof token !== "string" || token.length === 0) throw new WegoError("unauthenticated", "missing token");
      const claims = known(token);
      if (claims !== undefined) return claims;
      try {
        const opts = now === undefined ? verifyOptions : { ...verifyOptions, currentDate: new Date(now()) };
        const { payload } = await jwtVerify(token, key as KeyInput, opts);
        // Frozen: one claims object may serve many invocations.
        deepFreeze(payload);
        cache?.set(token, payload);
        return payload;
      } catch (err) {
        throw new WegoError("unauthenticated", "invalid token", { cause: err });
      }
    },
  };
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(ctx: Context): string | undefined {
  const raw = ctx.meta.authorization;
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (typeof header !== "string" || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
  const token = header.slice(7).trim();
  return token === "" ? undefined : token;
}

/**
 * Authenticate with a JWT: verify the token (see {@link createJwtVerifier})
 * and put its claims on the context under {@link jwtClaimsKey}. A missing or
 * bad token fails with `unauthenticated`; why it was bad is told only
 * outside production (`exposeReason`), and logged at debug level.
 *
 * @example
 * filters.chain(filters.response(), filters.jwt({ algorithms: ["HS256"], secret }), endpoint)
 * // in a service: ctx.get(jwtClaimsKey)?.sub
 */
export function jwt(options: JwtOptions): Filter {
  const verifier = cachingVerifier(options);
  const tokenOf = options.token ?? bearerToken;
  const optional = options.optional ?? false;
  return (next) => {
    async function verifyThenNext(ctx: Context, token: string): Promise<unknown> {
      let claims: JWTPayload;
      try {
        claims = await verifier.verify(token);
      } catch (err) {
        const e = err as WegoError;
        const why = (e.cause as Error | undefined)?.message ?? e.rawMessage;
        ctx.log.debug({ reason: why }, "token refused");
        const expose = options.exposeReason ?? appOf(ctx)?.production === false;
        throw expose ? new WegoError("unauthenticated", `invalid token: ${why}`, { cause: e.cause }) : e;
      }
      ctx.set(jwtClaimsKey, claims);
      return next(ctx);
    }
    return function jwtFilter(ctx) {
      try {
        const token = tokenOf(ctx);
        if (token === undefined) return optional ? next(ctx) : Promise.reject(new WegoError("unauthenticated", "missing token"));
        // A token verified before skips the async path entirely.
        const claims = verifier.known(token);
        if (claims === undefined) return verifyThenNext(ctx, token);
        ctx.set(jwtClaimsKey, claims);
        return next(ctx);
      } catch (err) {
        return Promise.reject(err);
      }
    };
  };
}
