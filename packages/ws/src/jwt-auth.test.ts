import { createHmac } from "node:crypto";
import { type App, jwtClaimsKey } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { open, refusal, resetClients, type Started, startWs } from "./test/harness.js";
import { wsPeerKey } from "./ws-peer.js";

const secret = "a-test-secret-that-is-at-least-32-bytes-long";

/** An HS256 JWT, signed by hand (no signing library needed for tests). */
function sign(claims: Record<string, unknown>, key = secret): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

let started: Started | undefined;

afterEach(async () => {
  await resetClients();
  await started?.stop();
  started = undefined;
});

function handlers(app: App): void {
  app.handler("whoami", async (ctx) => ({
    userId: ctx.get(wsPeerKey)?.userId,
    sub: ctx.get(jwtClaimsKey)?.sub,
    role: (ctx.get(wsPeerKey)?.claims as { role?: string } | undefined)?.role,
  }));
}

describe("JWT at upgrade (core's verifier)", () => {
  it("accepts a valid bearer token: userId is sub, handlers see the claims under jwtClaimsKey", async () => {
    started = await startWs(handlers, ["whoami"], { auth: { jwt: { algorithms: ["HS256"], secret } } });
    const token = sign({ sub: "u-7", role: "admin", exp: inSeconds(60) });
    const c = await open(started.url, { headers: { authorization: `Bearer ${token}` } });
    expect((await c.request("whoami")).data).toEqual({ userId: "u-7", sub: "u-7", role: "admin" });
    await started.router.sendToUser("u-7", { route: "hi" });
    expect(await c.next((m) => (m as { route?: string }).route === "hi")).toEqual({ route: "hi" });
  });

  it("refuses missing, forged, expired and wrong-algorithm tokens with 401, saying why only outside production", async () => {
    started = await startWs(
      handlers,
      ["whoami"],
      { auth: { jwt: { algorithms: ["HS256"], secret, clockToleranceSec: 0 } } },
      { production: true },
    );
    const tryWith = async (token?: string) => {
      const r = await refusal(started?.url as string, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: r.status, message: r.body.message };
    };
    expect(await tryWith()).toEqual({ status: 401, message: "missing token" });
    expect(await tryWith(sign({ sub: "x", exp: inSeconds(60) }, "another-secret-that-is-also-32-bytes-long!"))).toEqual({
      status: 401,
      message: "invalid token",
    });
    expect(await tryWith(sign({ sub: "x", exp: inSeconds(-10) }))).toEqual({ status: 401, message: "invalid token" });
    expect(await tryWith(sign({ sub: "x" }))).toEqual({ status: 401, message: "invalid token" }); // no exp
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "x", exp: inSeconds(60) })).toString("base64url")}.`;
    expect(await tryWith(none)).toEqual({ status: 401, message: "invalid token" });
    expect(started.router.connections).toBe(0);
  });

  it("takes the token from tokenQuery, and explains a refusal outside production", async () => {
    started = await startWs(handlers, ["whoami"], { auth: { jwt: { algorithms: ["HS256"], secret } }, tokenQuery: "token" });
    const c = await open(`${started.url}?token=${sign({ sub: "q", exp: inSeconds(60) })}`);
    expect((await c.request("whoami")).data).toMatchObject({ userId: "q" });
    const refused = await refusal(`${started.url}?token=garbage`);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/^invalid token: /);
  });

  it("closes the connection with 1008 when the token expires", async () => {
    started = await startWs(handlers, ["whoami"], { auth: { jwt: { algorithms: ["HS256"], secret, clockToleranceSec: 0 } } });
    const c = await open(started.url, { headers: { authorization: `Bearer ${sign({ sub: "s", exp: inSeconds(1) })}` } });
    expect((await c.request("whoami")).code).toBe("ok");
    const closed = await c.closed;
    expect(closed).toEqual({ code: 1008, reason: "credentials expired" });
  });

  it("fails at start on bad JWT options", async () => {
    await expect(startWs(handlers, ["whoami"], { auth: { jwt: { algorithms: ["HS256"], secret: "short" } } })).rejects.toThrow(/32 bytes/);
  });
});
