import type { IncomingMessage } from "node:http";
import { type App, createJwtVerifier, type JwtOptions } from "@wego/core";
import { wsError } from "./errors.js";

/** Who opened a connection, as upgrade authentication established it. */
export interface WsIdentity {
  /** Pushes to `sendToUser(userId, …)` reach this connection. */
  userId?: string;
  /** Whatever the authenticator wants handlers to see (e.g. JWT claims). */
  claims?: unknown;
  /** When the credentials expire (ms since epoch): the connection is closed then with 1008, and the client reconnects with fresh ones. */
  expiresAt?: number;
}

/**
 * Authenticate an upgrade request. Resolve an identity to accept (`{}` for an
 * anonymous but accepted peer), `undefined` to refuse with 401, or throw a
 * `WegoError` to refuse with its code's status (`permission_denied` → 403…).
 * `token` is the bearer token from the `Authorization` header or the
 * configured query parameter, when there is one.
 */
export type WsAuthFn = (req: IncomingMessage, token: string | undefined) => Promise<WsIdentity | undefined> | WsIdentity | undefined;

/** The bearer token of an upgrade request: `Authorization: Bearer …`, else `?<queryParam>=…` when configured. */
export function tokenOf(req: IncomingMessage, queryParam: string | undefined): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const space = header.indexOf(" ");
    if (space > 0 && header.slice(0, space).toLowerCase() === "bearer") {
      const token = header.slice(space + 1).trim();
      if (token !== "") return token;
    }
  }
  if (queryParam === undefined) return undefined;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get(queryParam) || undefined;
}

/**
 * Upgrade authentication: a function (see {@link WsAuthFn}), or `{ jwt }` to
 * verify a bearer JWT with `@wego/core`'s verifier (the options of
 * `filters.jwt`; its `token` option does not apply: the token comes from the
 * `Authorization` header or `tokenQuery`). With `jwt`, `userId` is the `sub`
 * claim, handlers also find the claims under core's `jwtClaimsKey`, and the
 * connection closes when the token expires unless `closeAtExpiry: false`.
 */
export type WsAuth = WsAuthFn | { jwt: JwtOptions; closeAtExpiry?: boolean };

/** The auth function for `auth`, with a JWT verifier built once (bad options fail at start). */
export function authenticator(auth: WsAuth, app: App): WsAuthFn {
  if (typeof auth === "function") return auth;
  const options = auth.jwt;
  const verifier = createJwtVerifier(options);
  const expose = options.exposeReason ?? !app.production;
  const closeAtExpiry = auth.closeAtExpiry ?? true;
  // The verifier accepts a token until exp + tolerance: the connection lives as long.
  const toleranceMs = (options.clockToleranceSec ?? 5) * 1000;
  return async (_req, token) => {
    if (token === undefined) {
      if (options.optional) return {};
      throw wsError("WEGO_ERR_WS_UNAUTHENTICATED", "missing token");
    }
    let claims: Awaited<ReturnType<typeof verifier.verify>>;
    try {
      claims = await verifier.verify(token);
    } catch (err) {
      const why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      app.log.debug({ reason: why }, "ws upgrade token refused");
      throw wsError("WEGO_ERR_WS_UNAUTHENTICATED", expose ? `invalid token: ${why}` : "invalid token");
    }
    const identity: WsIdentity = { claims };
    if (typeof claims.sub === "string") identity.userId = claims.sub;
    if (closeAtExpiry && typeof claims.exp === "number") identity.expiresAt = claims.exp * 1000 + toleranceMs;
    return identity;
  };
}
