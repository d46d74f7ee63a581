import { WegoError } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { open, refusal, resetClients, type Started, startWs, TestClient } from "./test/harness.js";
import type { WsAuthFn } from "./upgrade-auth.js";
import { wsPeerKey } from "./ws-peer.js";

let started: Started | undefined;
afterEach(async () => {
  await resetClients();
  await started?.stop();
  started = undefined;
});

const tokens: Record<string, string> = { "tok-alice": "alice", "tok-bob": "bob" };
const auth: WsAuthFn = async (_req, token) => {
  if (token === "tok-banned") throw new WegoError("permission_denied", "banned");
  if (token === "tok-broken") throw new Error("verifier exploded: key=secret");
  const user = token === undefined ? undefined : tokens[token];
  return user === undefined ? undefined : { userId: user, claims: { sub: user, role: "member" } };
};

function whoami(app: import("@wego/core").App): void {
  app.handler("whoami", async (ctx) => {
    const peer = ctx.get(wsPeerKey);
    return { userId: peer?.userId, claims: peer?.claims };
  });
}

describe("authentication at upgrade", () => {
  it("accepts a bearer token from the Authorization header and shows the identity to handlers", async () => {
    started = await startWs(whoami, ["whoami"], { auth });
    const c = await open(started.url, { headers: { authorization: "Bearer tok-alice" } });
    expect((await c.request("whoami")).data).toEqual({ userId: "alice", claims: { sub: "alice", role: "member" } });
  });

  it("refuses an upgrade without credentials with 401 and the envelope, before any WebSocket exists", async () => {
    started = await startWs(whoami, ["whoami"], { auth });
    const refused = await TestClient.open(started.url).catch((e: { status: number; body: string }) => e);
    expect(refused).toMatchObject({ status: 401 });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({
      code: "unauthenticated",
      reason: "WEGO_ERR_WS_UNAUTHENTICATED",
    });
    await expect(TestClient.open(started.url, { headers: { authorization: "Bearer nobody" } })).rejects.toMatchObject({ status: 401 });
    expect(started.router.connections).toBe(0);
  });

  it("maps a thrown WegoError to its status and hides a verifier's own error behind a plain 401", async () => {
    started = await startWs(whoami, ["whoami"], { auth });
    await expect(TestClient.open(started.url, { headers: { authorization: "Bearer tok-banned" } })).rejects.toMatchObject({ status: 403 });
    const broken = await refusal(started.url, { headers: { authorization: "Bearer tok-broken" } });
    expect(broken.status).toBe(401);
    expect(JSON.stringify(broken.body)).not.toContain("secret");
  });

  it("reads the token from the query only when tokenQuery is configured", async () => {
    started = await startWs(whoami, ["whoami"], { auth });
    await expect(TestClient.open(`${started.url}?access_token=tok-bob`)).rejects.toMatchObject({ status: 401 });
    await started.stop();
    started = await startWs(whoami, ["whoami"], { auth, tokenQuery: "access_token" });
    const c = await open(`${started.url}?access_token=tok-bob`);
    expect((await c.request("whoami")).data).toMatchObject({ userId: "bob" });
  });
});

describe("origin allow-list", () => {
  it("by default admits same-origin browsers and non-browser clients, and refuses a foreign origin with 403", async () => {
    started = await startWs(whoami, ["whoami"]);
    const port = started.router.port;
    await open(started.url);
    await open(started.url, { origin: `http://127.0.0.1:${port}` });
    expect(await refusal(started.url, { origin: "https://evil.example" })).toMatchObject({
      status: 403,
      body: { code: "permission_denied", reason: "WEGO_ERR_WS_ORIGIN_FORBIDDEN" },
    });
    expect(started.router.connections).toBe(2);
  });

  it("admits exactly the listed origins and patterns", async () => {
    started = await startWs(whoami, ["whoami"], { origins: ["https://app.example.com", /^https:\/\/[a-z0-9]+\.preview\.example\.com$/] });
    await open(started.url, { origin: "https://app.example.com" });
    await open(started.url, { origin: "https://pr42.preview.example.com" });
    await expect(TestClient.open(started.url, { origin: "https://app.example.com.evil.io" })).rejects.toMatchObject({ status: 403 });
    await expect(TestClient.open(started.url, { origin: `http://127.0.0.1:${started.router.port}` })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("checks the origin before authenticating", async () => {
    let calls = 0;
    started = await startWs(whoami, ["whoami"], {
      origins: ["https://app.example.com"],
      auth: async () => {
        calls++;
        return { userId: "x" };
      },
    });
    await expect(TestClient.open(started.url, { origin: "https://evil.example" })).rejects.toMatchObject({ status: 403 });
    expect(calls).toBe(0);
  });
});
