import { createHmac, generateKeyPairSync } from "node:crypto";
import { base64url, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import type { Context } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import { type Endpoint, filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { createJwtVerifier, type JwtOptions, jwt, jwtClaimsKey } from "./jwt.js";

const secret = "0123456789abcdef0123456789abcdef-test-secret";
const issuer = "https://id.example";
const audience = "wego-api";
const now = () => Math.floor(Date.now() / 1000);

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: Keys;
let rsaPem: string;
let otherRsa: Keys;
let ec: Keys;
let ed: Keys;

beforeAll(async () => {
  rsa = await generateKeyPair("RS256", { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
  otherRsa = await generateKeyPair("RS256");
  ec = await generateKeyPair("ES256");
  ed = await generateKeyPair("EdDSA");
});

function claims(extra: Record<string, unknown> = {}) {
  return { sub: "user-7", role: "admin", iss: issuer, aud: audience, iat: now(), exp: now() + 600, ...extra };
}

async function sign(alg: string, key: Parameters<SignJWT["sign"]>[0], payload = claims()): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(key);
}

const hs = (payload = claims()) => sign("HS256", new TextEncoder().encode(secret), payload);
const rs = (payload = claims()) => sign("RS256", rsa.privateKey, payload);

/** Handcrafted tokens: what jose refuses to make. */
function rawToken(header: object, payload: object, signature = ""): string {
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

const hsOptions: JwtOptions = { algorithms: ["HS256"], secret, issuer, audience };
// A function: the key pair is made in beforeAll.
const rsOptions = (): JwtOptions => ({ algorithms: ["RS256"], publicKey: rsaPem, issuer, audience });

function appWith(options: JwtOptions, production = false) {
  const app = createApp({ logger: false, production, config: { env: {}, argv: [] } });
  const whoami: Endpoint = async (ctx) => ctx.get(jwtClaimsKey)?.sub;
  app.handler("whoami", filters.chain(filters.response(), jwt(options), whoami));
  return app;
}

async function call(app: ReturnType<typeof appWith>, authorization?: string): Promise<unknown> {
  return invoke(app, "whoami", {}, authorization === undefined ? {} : { meta: { authorization } });
}

describe("filters.jwt: accepted tokens", () => {
  it("HS256, RS256 (PEM), ES256 (JWK) and EdDSA tokens verify; claims land on the context", async () => {
    expect(await call(appWith(hsOptions), `Bearer ${await hs()}`)).toBe("user-7");
    expect(await call(appWith(rsOptions()), `Bearer ${await rs()}`)).toBe("user-7");
    expect(await call(appWith(rsOptions()), `bearer ${await rs()}`)).toBe("user-7");
    const ecJwk = await exportJWK(ec.publicKey);
    const ecApp = appWith({ algorithms: ["ES256"], jwks: { keys: [{ ...ecJwk, alg: "ES256" }] }, issuer, audience });
    expect(await call(ecApp, `Bearer ${await sign("ES256", ec.privateKey)}`)).toBe("user-7");
    const edApp = appWith({ algorithms: ["EdDSA"], publicKey: ed.publicKey, issuer, audience });
    expect(await call(edApp, `Bearer ${await sign("EdDSA", ed.privateKey)}`)).toBe("user-7");
  });

  it("tolerates a few seconds of clock skew on exp and nbf", async () => {
    const app = appWith(hsOptions);
    expect(await call(app, `Bearer ${await hs(claims({ exp: now() - 2 }))}`)).toBe("user-7");
    expect(await call(app, `Bearer ${await hs(claims({ nbf: now() + 2 }))}`)).toBe("user-7");
  });

  it("the verifier alone (for WebSocket upgrades) gives the claims", async () => {
    const verifier = createJwtVerifier(rsOptions());
    expect(await verifier.verify(await rs())).toMatchObject({ sub: "user-7", role: "admin" });
    await expect(verifier.verify("nope")).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(verifier.verify("")).rejects.toMatchObject({ code: "unauthenticated", rawMessage: "missing token" });
  });
});

describe("filters.jwt: the attack table, every row refused with unauthenticated", () => {
  const attacks: Array<[string, () => Promise<string | undefined>, (() => JwtOptions)?]> = [
    ["no Authorization header", async () => undefined],
    ["a scheme other than Bearer", async () => `Basic ${await hs()}`],
    ["alg none, unsigned", async () => `Bearer ${rawToken({ alg: "none", typ: "JWT" }, claims())}`],
    ["alg None (case games)", async () => `Bearer ${rawToken({ alg: "None" }, claims())}`],
    [
      "HS256 signed with the RSA public key as the HMAC secret (key confusion)",
      async () => {
        const header = base64url.encode(JSON.stringify({ alg: "HS256", typ: "JWT" }));
        const body = base64url.encode(JSON.stringify(claims()));
        const mac = createHmac("sha256", rsaPem).update(`${header}.${body}`).digest();
        return `Bearer ${header}.${body}.${base64url.encode(mac)}`;
      },
      rsOptions,
    ],
    ["RS256 token at an HS256-only verifier", async () => `Bearer ${await rs()}`],
    [
      "the right key under an algorithm outside the allow-list (RS512)",
      async () => `Bearer ${await sign("RS512", await importPKCS8(await exportPKCS8(rsa.privateKey), "RS512"))}`,
      rsOptions,
    ],
    ["signed by another key", async () => `Bearer ${await sign("RS256", otherRsa.privateKey)}`, rsOptions],
    ["expired", async () => `Bearer ${await hs(claims({ exp: now() - 60 }))}`],
    ["not yet valid (nbf)", async () => `Bearer ${await hs(claims({ nbf: now() + 60 }))}`],
    ["wrong issuer", async () => `Bearer ${await hs(claims({ iss: "https://evil.example" }))}`],
    ["wrong audience", async () => `Bearer ${await hs(claims({ aud: "other-api" }))}`],
    ["no expiry at all", async () => `Bearer ${await hs(claims({ exp: undefined }))}`],
    [
      "tampered payload (role changed, signature kept)",
      async () => {
        const [h, , s] = (await hs(claims({ role: "user" }))).split(".");
        return `Bearer ${h}.${base64url.encode(JSON.stringify(claims({ role: "admin" })))}.${s}`;
      },
    ],
    [
      "tampered header (alg switched to HS512)",
      async () => {
        const [, p, s] = (await hs()).split(".");
        return `Bearer ${base64url.encode(JSON.stringify({ alg: "HS512" }))}.${p}.${s}`;
      },
    ],
    ["garbage", async () => "Bearer not-a-token"],
    ["garbage with dots", async () => "Bearer a.b.c"],
    ["empty bearer", async () => "Bearer "],
    ["binary junk", async () => `Bearer ${"\u0000\u00ff".repeat(20)}`],
    ["JSON instead of base64url", async () => `Bearer ${JSON.stringify({ alg: "HS256" })}.e30.`],
  ];

  for (const [name, make, options] of attacks) {
    it(name, async () => {
      const app = appWith(options?.() ?? hsOptions, true);
      const err = await call(app, await make()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WegoError);
      expect((err as WegoError).code).toBe("unauthenticated");
      // production: no hint of why
      expect(["missing token", "invalid token"]).toContain((err as WegoError).rawMessage);
    });
  }

  it("outside production the reason is told", async () => {
    const err = (await call(appWith(hsOptions), `Bearer ${await hs(claims({ exp: now() - 60 }))}`).catch((e: unknown) => e)) as WegoError;
    expect(err.rawMessage).toMatch(/^invalid token: .*exp/);
  });
});

describe("createJwtVerifier: the verified-token cache", () => {
  it("serves a known token without verifying again, but re-checks expiry on every use", async () => {
    const clock = { t: Date.now() };
    const verifier = createJwtVerifier({ ...hsOptions, now: () => clock.t });
    const iat = Math.floor(clock.t / 1000);
    const token = await hs(claims({ iat, exp: iat + 60 }));
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first); // the same object: from the cache
    clock.t += 30_000;
    expect(await verifier.verify(token)).toBe(first);
    clock.t += 40_000; // past exp + tolerance
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("re-checks maxAgeSec on every use too; cacheSize 0 turns the cache off", async () => {
    const clock = { t: Date.now() };
    const iat = Math.floor(clock.t / 1000);
    const token = await hs(claims({ iat, exp: iat + 3600 }));
    const aged = createJwtVerifier({ ...hsOptions, maxAgeSec: 60, now: () => clock.t });
    await aged.verify(token);
    clock.t += 120_000;
    await expect(aged.verify(token)).rejects.toMatchObject({ code: "unauthenticated" });
    const uncached = createJwtVerifier({ ...hsOptions, cacheSize: 0 });
    expect(await uncached.verify(token)).not.toBe(await uncached.verify(token));
  });

  it("claims are frozen: one handler can't change what the next one sees", async () => {
    const verifier = createJwtVerifier(hsOptions);
    const claimsSeen = await verifier.verify(await hs(claims({ roles: ["user"] })));
    expect(Object.isFrozen(claimsSeen)).toBe(true);
    expect(() => {
      (claimsSeen as { role: string }).role = "root";
    }).toThrow(TypeError);
    expect(() => (claimsSeen.roles as string[]).push("admin")).toThrow(TypeError);
  });
});

describe("filters.jwt: configuration", () => {
  it("refuses unsafe or incomplete options when created", () => {
    const pem = rsaPemSync();
    expect(() => jwt({ algorithms: [], secret })).toThrow(/allow-list/);
    expect(() => jwt({ algorithms: ["none" as never], secret })).toThrow(/"none" is not allowed/);
    expect(() => jwt({ algorithms: ["HS256", "RS256"], secret })).toThrow(/HS\* algorithms only/);
    expect(() => jwt({ algorithms: ["HS256", "RS256"], publicKey: pem })).toThrow(/need a secret/);
    expect(() => jwt({ algorithms: ["HS256"], publicKey: pem })).toThrow(/need a secret/);
    expect(() => jwt({ algorithms: ["HS256"], secret: "short" })).toThrow(/32 bytes/);
    expect(() => jwt({ algorithms: ["RS256"] })).toThrow(/exactly one/);
    expect(() => jwt({ algorithms: ["RS256"], publicKey: pem, jwks: { keys: [] } })).toThrow(/exactly one/);
  });

  it("reads the token elsewhere only when told to; optional lets anonymous calls through", async () => {
    const token = await hs();
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const sub: Endpoint = async (ctx) => ctx.get(jwtClaimsKey)?.sub ?? "anonymous";
    const fromQuery = (ctx: Context) => (ctx.request as { token?: string }).token;
    app.handler("default", filters.chain(jwt(hsOptions), sub));
    app.handler("query", filters.chain(jwt({ ...hsOptions, token: fromQuery }), sub));
    app.handler("optional", filters.chain(jwt({ ...hsOptions, optional: true }), sub));
    await expect(invoke(app, "default", { token })).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await invoke(app, "query", { token })).toBe("user-7");
    expect(await invoke(app, "optional", {})).toBe("anonymous");
    await expect(invoke(app, "optional", {}, { meta: { authorization: "Bearer junk" } })).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });

  it("filters.auth(service, options) = response → jwt → the services (the seed's preset)", async () => {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    app.handler(
      "me",
      filters.auth((ctx: Context) => void ctx.response("user", ctx.get(jwtClaimsKey)?.sub), hsOptions),
    );
    expect(await invoke(app, "me", {}, { meta: { authorization: `Bearer ${await hs()}` } })).toEqual({ user: "user-7" });
    await expect(invoke(app, "me", {})).rejects.toMatchObject({ code: "unauthenticated" });
  });
});

function rsaPemSync(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
}
