import { type App, type JwtOptions, WegoError } from "@wego/core";

/**
 * The development secret the example signs and checks demo tokens with
 * (HS256 needs at least 32 bytes). It is public — it is printed here — so a
 * production start refuses it: set `jwt.secret` (`WEGO_JWT_SECRET`).
 */
export const devJwtSecret = "wego-exam-development-secret-do-not-deploy";

/** How the example signs (`exam.token`, `POST /exam/login`) and checks (`auth`) tokens. */
export interface JwtSettings {
  secret: string;
  issuer: string;
  ttlSeconds: number;
  /** What `filters.jwt` and the WebSocket upgrade check. */
  verify: JwtOptions;
}

/** Config `jwt.secret`, `jwt.issuer` (default `wego-exam`), `jwt.ttlSeconds` (default 3600). */
export function jwtSettings(app: App): JwtSettings {
  const secret = app.config.get("jwt.secret", devJwtSecret);
  if (app.production && secret === devJwtSecret) {
    throw new WegoError("failed_precondition", "jwt.secret is the example's public development secret: set WEGO_JWT_SECRET in production");
  }
  const issuer = app.config.get("jwt.issuer", "wego-exam");
  const ttlSeconds = app.config.get("jwt.ttlSeconds", 3600);
  return { secret, issuer, ttlSeconds, verify: { algorithms: ["HS256"], secret, issuer, requiredClaims: ["exp", "sub"] } };
}
