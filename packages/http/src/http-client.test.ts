import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type App, createApp, createCircuitBreaker, WegoError } from "@wego/core";
import { createTestContext } from "@wego/core/testing";
import { describe, expect, it } from "vitest";
import { createHttpClient, type HttpClient, retryAfterMs } from "./http-client.js";
import { onCleanup, serve } from "./test-helpers.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain node:http upstream whose answer a test scripts; it records what it saw. */
async function upstream(
  answer: (seen: Seen, res: ServerResponse, hit: number) => void,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      answer(s, res, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function client(options: Parameters<typeof createHttpClient>[0]): HttpClient {
  const c = createHttpClient({ backoffMs: 5, ...options });
  onCleanup(() => c.close());
  return c;
}

/** A port nothing listens on. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

function appContext(app: App, meta: Record<string, string> = {}, deadline?: number) {
  return createTestContext(app, { transport: "test", route: "t", id: "req-ctx-1", meta, ...(deadline ? { deadline } : {}) });
}

describe("http client", () => {
  it("calls a wego service and returns the envelope's data; its errors come back as WegoErrors", async () => {
    const s = await serve((r, app) => {
      app.handler("user", async (ctx) => ({ id: (ctx.request as { id: string }).id, q: (ctx.request as { q?: string[] }).q }));
      app.handler("missing", async () => {
        throw new WegoError("not_found", "no such user", { reason: "USER_MISSING", details: { id: 7 } });
      });
      app.handler("echo", async (ctx) => ctx.request);
      r.get("/users/:id", "user").get("/missing", "missing").post("/echo", "echo");
    });
    const c = client({ baseUrls: `${s.base}/` });
    expect(await c.get("/users/42", { query: { q: ["a", "b"] } })).toEqual({ id: "42", q: ["a", "b"] });
    expect(await c.post("/echo", { hello: "wego" })).toEqual({ hello: "wego" });
    const err = (await c.get("/missing").catch((e: unknown) => e)) as WegoError;
    expect(err).toBeInstanceOf(WegoError);
    expect(err.code).toBe("not_found");
    expect(err.rawMessage).toBe("no such user");
    expect(err.reason).toBe("USER_MISSING");
    expect(err.details).toEqual({ id: 7 });
  });

  it("keeps a base URL's path prefix and maps a non-wego error status to a code", async () => {
    const up = await upstream((seen, res) =>
      seen.url.startsWith("/api/teapot") ? json(res, 429, { oops: 1 }, { "retry-after": "3" }) : json(res, 200, { plain: true }),
    );
    const c = client({ baseUrls: `${up.url}/api`, breaker: false });
    expect(await c.get("/thing")).toEqual({ plain: true });
    expect(up.seen[0]?.url).toBe("/api/thing");
    const err = (await c.get("/teapot").catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("resource_exhausted");
    expect(err.retryAfterMs).toBe(3000);
  });

  it("sends the context's request id, trace headers and remaining deadline", async () => {
    const up = await upstream((_s, res) => json(res, 200, { code: "ok", data: 1 }));
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const ctx = appContext(app, { traceparent, tracestate: "vendor=x" }, Date.now() + 5000);
    const c = client({ baseUrls: up.url, headers: { "x-service": "caller" } });
    expect(await c.get("/x", { ctx })).toBe(1);
    const h = up.seen[0]?.headers ?? {};
    expect(h["x-request-id"]).toBe("req-ctx-1");
    expect(h.traceparent).toBe(traceparent);
    expect(h.tracestate).toBe("vendor=x");
    expect(h["x-service"]).toBe("caller");
    const remaining = Number(h["x-request-timeout"]);
    expect(remaining).toBeGreaterThan(4000);
    expect(remaining).toBeLessThanOrEqual(5000);
    ctx.dispose();
  });

  it("follows an operator's retry rule (governance.retry) for calls made with a context, and only those", async () => {
    const flaky = await upstream((_s, res, hit) =>
      hit % 3 === 0 ? json(res, 200, { code: "ok", data: { hit } }) : json(res, 503, { code: "unavailable", message: "warming up" }),
    );
    const governed = createApp({
      logger: false,
      config: {
        env: {},
        argv: [],
        defaults: {
          governance: { markers: { orders: { route: { prefix: "GET /orders" } } }, retry: { orders: { attempts: 3, backoffMs: 1 } } },
        },
      },
    });
    const c = client({ baseUrls: [flaky.url], retries: 0 });
    // The rule: three tries, so the third answer (a 200) comes back.
    expect(await c.get("/orders/7", { ctx: appContext(governed) })).toEqual({ hit: 3 });
    // No context, no rule: the client's own retries (none here).
    await expect(c.get("/orders/7")).rejects.toMatchObject({ code: "unavailable" });
    // A context whose call the marker does not match: the client's own retries too.
    await expect(c.get("/invoices/7", { ctx: appContext(governed) })).rejects.toMatchObject({ code: "unavailable" });
    expect(flaky.seen).toHaveLength(5);
  });

  it("round-robins over its base URLs", async () => {
    const a = await upstream((_s, res) => json(res, 200, "a"));
    const b = await upstream((_s, res) => json(res, 200, "b"));
    const c = client({ baseUrls: [a.url, b.url] });
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await c.get("/"));
    expect(got).toEqual(["a", "b", "a", "b", "a", "b"]);
  });

  it("skips a base URL that failed, for a while, and tries it again after", async () => {
    // A host that accepts connections and drops them at once: each drop counts.
    let drops = 0;
    const dropper = createServer();
    dropper.on("connection", (socket) => {
      drops++;
      socket.destroy();
    });
    await new Promise<void>((r) => dropper.listen(0, "127.0.0.1", r));
    onCleanup(() => new Promise((r) => dropper.close(() => r())));
    const live = await upstream((_s, res) => json(res, 200, "live"));
    const c = client({ baseUrls: [`http://127.0.0.1:${(dropper.address() as AddressInfo).port}`, live.url], skipMs: 300, breaker: false });
    for (let i = 0; i < 5; i++) expect(await c.get("/")).toBe("live");
    expect(drops).toBe(1);
    expect(live.seen.length).toBe(5);
    await new Promise((r) => setTimeout(r, 350));
    for (let i = 0; i < 2; i++) expect(await c.get("/")).toBe("live");
    expect(drops).toBe(2);
  });

  it("retries an idempotent request on 503 with backoff, never a POST", async () => {
    // The first request to each path is refused with 503, later ones succeed.
    const up = await upstream((seen, res) =>
      up.seen.filter((x) => x.url === seen.url).length === 1
        ? json(res, 503, { code: "unavailable", message: "warming up" })
        : json(res, 200, "ok"),
    );
    const c = client({ baseUrls: up.url, retries: 2, backoffMs: 20, breaker: false });
    expect(await c.get("/a")).toBe("ok");
    expect(up.seen.map((x) => x.url)).toEqual(["/a", "/a"]);
    const err = (await c.post("/b", { x: 1 }).catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("unavailable");
    expect(up.seen.filter((x) => x.url === "/b").length).toBe(1);
    // …unless the caller says repeating it is harmless.
    expect(await c.post("/c", { x: 1 }, { idempotent: true })).toBe("ok");
    expect(up.seen.filter((x) => x.url === "/c").length).toBe(2);
  });

  it("retries a POST on a draining server's refusal, which says no handler ran", async () => {
    const draining = await upstream((_s, res) =>
      json(
        res,
        503,
        { code: "unavailable", message: "the app is shutting down", reason: "WEGO_ERR_APP_STOPPING" },
        { connection: "close" },
      ),
    );
    const live = await upstream((_s, res) => json(res, 200, "posted"));
    const c = client({ baseUrls: [draining.url, live.url], breaker: false });
    expect(await c.post("/", { x: 1 })).toBe("posted");
    expect(draining.seen.length).toBe(1);
    expect(live.seen.length).toBe(1);
  });

  it("retries a POST only when the connection was refused (the request never left)", async () => {
    const dead = await deadUrl();
    const live = await upstream((_s, res) => json(res, 200, "posted"));
    const c = client({ baseUrls: [dead, live.url], breaker: false });
    expect(await c.post("/", { x: 1 })).toBe("posted");
    expect(live.seen.length).toBe(1);
  });

  it("times an attempt out, retrying idempotent calls, and gives up with deadline_exceeded", async () => {
    const up = await upstream(() => {
      // never answers
    });
    const c = client({ baseUrls: up.url, timeoutMs: 100, retries: 1, breaker: false });
    const t0 = Date.now();
    const err = (await c.get("/").catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("deadline_exceeded");
    expect(err.reason).toBe("WEGO_ERR_HTTP_CLIENT_TIMEOUT");
    expect(up.seen.length).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("stops at the context's deadline and when its invocation is cancelled", async () => {
    const up = await upstream(() => {});
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const c = client({ baseUrls: up.url, timeoutMs: 10_000, breaker: false });
    const t0 = Date.now();
    const late = appContext(app, {}, Date.now() + 150);
    const err = (await c.get("/", { ctx: late }).catch((e: unknown) => e)) as WegoError;
    expect(err.code).toBe("deadline_exceeded");
    expect(Date.now() - t0).toBeLessThan(2000);
    const ctx = appContext(app);
    setTimeout(() => ctx.abort(), 50);
    const cancelled = (await c.get("/", { ctx }).catch((e: unknown) => e)) as WegoError;
    expect(cancelled.code).toBe("cancelled");
    late.dispose();
    ctx.dispose();
  });

  it("opens the circuit after repeated 5xx and then fails fast without calling", async () => {
    const up = await upstream((_s, res) => json(res, 500, { code: "internal", message: "boom" }));
    const c = client({
      baseUrls: up.url,
      retries: 0,
      breaker: { requestVolumeThreshold: 3, errorThresholdPercentage: 50, sleepWindowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) expect(((await c.get("/").catch((e: unknown) => e)) as WegoError).code).toBe("internal");
    expect(c.breaker?.state).toBe("open");
    const fast = (await c.get("/").catch((e: unknown) => e)) as WegoError;
    expect(fast.code).toBe("unavailable");
    expect(fast.retryAfterMs).toBeGreaterThan(0);
    expect(up.seen.length).toBe(3);
    // request() hands a 5xx back as a response (the breaker still counted it).
    const shared = createCircuitBreaker({ requestVolumeThreshold: 100 });
    const c2 = client({ baseUrls: up.url, retries: 0, breaker: shared });
    const res = await c2.request({ path: "/" });
    expect(res.status).toBe(500);
    expect(shared.stats().failures).toBe(1);
  });

  it("does not count 4xx answers against the circuit", async () => {
    const up = await upstream((_s, res) => json(res, 404, { code: "not_found", message: "nope" }));
    const c = client({ baseUrls: up.url, breaker: { requestVolumeThreshold: 2, sleepWindowMs: 60_000 } });
    for (let i = 0; i < 5; i++) expect(((await c.get("/").catch((e: unknown) => e)) as WegoError).code).toBe("not_found");
    expect(c.breaker?.state).toBe("closed");
  });

  it("refuses a bad configuration", () => {
    expect(() => createHttpClient({ baseUrls: [] })).toThrow(/at least one URL/);
    expect(() => createHttpClient({ baseUrls: "not a url" })).toThrow(/invalid URL/);
    expect(() => createHttpClient({ baseUrls: "ftp://x" })).toThrow(/http\(s\)/);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs(inFive)).toBeGreaterThan(3000);
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});
