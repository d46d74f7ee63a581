import { type Context, type Next, WegoError } from "@wego/core";
import { SignJWT } from "jose";
import type { JwtSettings } from "../providers/jwt-settings.js";
import { appFor } from "./app-for.js";

/**
 * Issues a demo token for the `auth` handler: `{ name }` in, an HS256 JWT
 * out (subject = a snowflake id, `name` claim, `jwt.ttlSeconds` to live).
 * There is no password: it exists so the example can be tried. A real app
 * checks credentials here, or takes tokens from its identity provider.
 */
export class LoginService {
  readonly #settings: JwtSettings;
  readonly #key: Uint8Array;

  constructor(settings: JwtSettings) {
    this.#settings = settings;
    this.#key = new TextEncoder().encode(settings.secret);
  }

  async handle(ctx: Context, next: Next): Promise<void> {
    const { name } = (ctx.request ?? {}) as { name?: unknown };
    if (typeof name !== "string" || name.length === 0 || name.length > 64) {
      throw new WegoError("invalid_argument", "name is required (1 to 64 characters)", { details: [{ field: "name" }] });
    }
    const { issuer, ttlSeconds } = this.#settings;
    const token = await new SignJWT({ name })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(appFor(ctx).id())
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.#key);
    ctx.response("token", token);
    ctx.response("tokenType", "Bearer");
    ctx.response("expiresIn", ttlSeconds);
    await next();
  }
}
