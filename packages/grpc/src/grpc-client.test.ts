import net from "node:net";
import { createApp, WegoError } from "@wego/core";
import { createTestContext, invoke } from "@wego/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClient } from "./grpc-client.js";
import { type Seen, startApp } from "./test-helpers.js";

describe("createGrpcClient", () => {
  let started: Awaited<ReturnType<typeof startApp>>;
  let seen: Seen;
  let client: GrpcClient;
  let flaky = 0;

  beforeAll(async () => {
    started = await startApp({}, (app, router) => {
      app.handler("flaky", async () => {
        flaky++;
        if (flaky % 3 !== 0) throw new WegoError("unavailable", "try again");
        return { attempts: flaky };
      });
      router.route("flaky", "flaky");
    });
    seen = started.seen;
    client = createGrpcClient({ baseUrl: started.baseUrl, backoffMs: 5 });
  });
  afterAll(async () => {
    client.close();
    await started.app.stop();
  });

  it("calls a route and resolves the envelope's data", async () => {
    expect(await client.call("two", { n: 9 })).toEqual({ one: 1, two: 9 });
    expect(await client.call("echo")).toMatchObject({ input: null, route: "echo" });
  });

  it("rejects a handler's failure as a WegoError with code, reason and details", async () => {
    const err = await client.call("fail", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect(err).toMatchObject({ code: "not_found", rawMessage: "no such user", reason: "USER_MISSING", details: { id: 7 } });
    const raw = await client.reply("fail", {});
    expect(raw.code).toBe("not_found");
    await expect(client.call("nope")).rejects.toMatchObject({ code: "unimplemented", reason: "WEGO_ERR_GRPC_ROUTE_UNKNOWN" });
  });

  it("propagates the calling invocation's request id and deadline", async () => {
    const caller = createApp({ logger: false, config: { env: {}, argv: [] } });
    const deadline = Date.now() + 3000;
    await invoke(caller, (ctx) => client.call("echo", {}, { ctx }), undefined, { id: "upstream-7", deadline });
    expect(seen.ctx?.id).toBe("upstream-7");
    expect(seen.ctx?.deadline).toBeGreaterThan(Date.now());
    expect(seen.ctx?.deadline).toBeLessThanOrEqual(deadline + 50);
  });

  // Issue 16 item 7: the gRPC client sent x-request-id only, so a call started a new trace.
  it("propagates the calling invocation's trace context: the server sees the same trace id", async () => {
    const caller = createApp({ logger: false, config: { env: {}, argv: [] } });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const meta = { traceparent, tracestate: "vendor=x" };
    await invoke(caller, (ctx) => client.call("echo", {}, { ctx }), undefined, { id: "traced-1", meta });
    expect(seen.ctx?.id).toBe("traced-1");
    expect(seen.ctx?.meta["x-request-id"]).toBe("traced-1");
    expect(String(seen.ctx?.meta.traceparent).split("-")[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(seen.ctx?.meta.tracestate).toBe("vendor=x");
    // Without a ctx nothing is invented.
    await client.call("echo", {});
    expect(seen.ctx?.meta.traceparent).toBeUndefined();
  });

  it("retries unavailable with backoff, and gives up after `retries`", async () => {
    flaky = 0;
    expect(await client.call("flaky")).toEqual({ attempts: 3 });
    flaky = 0;
    await expect(client.call("flaky", {}, { retries: 1 })).rejects.toMatchObject({ code: "unavailable" });
    expect(flaky).toBe(2);
  });

  it("follows an operator's retry rule (governance.retry) for calls made with a context, and only those", async () => {
    const governed = createApp({
      logger: false,
      config: {
        env: {},
        argv: [],
        defaults: { governance: { markers: { flaky: { route: "flaky" } }, retry: { flaky: { attempts: 3, backoffMs: 1 } } } },
      },
    });
    const ctx = createTestContext(governed);
    flaky = 0;
    // The rule: three tries, the third succeeds, though the call itself asks for none.
    expect(await client.call("flaky", {}, { ctx, retries: 0 })).toEqual({ attempts: 3 });
    flaky = 0;
    // Without a context the call's own `retries: 0` holds.
    await expect(client.call("flaky", {}, { retries: 0 })).rejects.toMatchObject({ code: "unavailable" });
    expect(flaky).toBe(1);
  });

  it("does not retry what retrying cannot fix", async () => {
    const before = Date.now();
    await expect(client.call("fail")).rejects.toMatchObject({ code: "not_found" });
    expect(Date.now() - before).toBeLessThan(500);
  });

  it("stops at the deadline: DEADLINE_EXCEEDED, no retry", async () => {
    const t0 = Date.now();
    await expect(client.call("wait", {}, { timeoutMs: 150 })).rejects.toMatchObject({ code: "deadline_exceeded" });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("is cancelled by its signal", async () => {
    const ac = new AbortController();
    const call = client.call("wait", {}, { signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    expect(await call).toMatchObject({ code: "cancelled" });
  });
});

it("retries while the server is not up yet", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const client = createGrpcClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 8, backoffMs: 40, timeoutMs: 5000 });
  const call = client.call("two", { n: 2 });
  await new Promise((r) => setTimeout(r, 100));
  const started = await startApp({ port });
  try {
    expect(await call).toEqual({ one: 1, two: 2 });
  } finally {
    client.close();
    await started.app.stop();
  }
});
