import { type Context, jwtClaimsKey, type Next } from "@wego/core";

/**
 * The seed's AuthService, behind the jwt filter: by the time it runs the
 * token was verified and its claims sit on the context.
 */
export class AuthService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const claims = ctx.get(jwtClaimsKey);
    ctx.response("auth", {
      user: claims?.sub,
      name: claims?.name,
      expiresAt: claims?.exp === undefined ? undefined : new Date(claims.exp * 1000).toISOString(),
      request: ctx.request,
    });
    await next();
  }
}
