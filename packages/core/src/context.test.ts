import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { createContextKey } from "./context-key.js";
import { WegoError } from "./errors/wego-error.js";
import { createTestContext } from "./testing/test-context.js";
import { internalsOf } from "./transport/internals.js";

const app = () => createApp({ logger: false, config: { env: {}, argv: [] } });

describe("Context", () => {
  it("carries id, transport, route, request and read-only meta, never writing into the request", () => {
    const request = { id: "client-owned-id", q: 1 };
    const ctx = createTestContext(app(), { transport: "http", route: "GET /x", request, meta: { "x-a": "1" }, id: "req-9" });
    expect(ctx.id).toBe("req-9");
    expect(ctx.request).toBe(request);
    expect(request).toEqual({ id: "client-owned-id", q: 1 });
    expect(ctx.meta["x-a"]).toBe("1");
    expect(ctx.handler).toBe("GET /x");
    const generated = createTestContext(app(), { transport: "http", route: "r" });
    expect(generated.id).toMatch(/^[\w-]{21}$/);
  });

  it("typed keys: default when unset, no collision between keys of the same description", () => {
    const ctx = createTestContext(app(), { transport: "t", route: "r" });
    const user = createContextKey<{ id: number } | null>("user", null);
    const user2 = createContextKey<string>("user", "anon");
    expect(ctx.get(user)).toBeNull();
    ctx.set(user, { id: 3 });
    expect(ctx.get(user)).toEqual({ id: 3 });
    expect(ctx.get(user2)).toBe("anon");
    ctx.set("plain", 1);
    expect(ctx.get("plain")).toBe(1);
    expect(ctx.has(user)).toBe(true);
    expect(ctx.delete(user)).toBe(true);
    expect(ctx.get(user)).toBeNull();
  });

  it("response(k, v) builds the result object", () => {
    const ctx = createTestContext(app(), { transport: "t", route: "r" });
    ctx.response("a", 1).response("b", [2]);
    expect(ctx.result).toEqual({ a: 1, b: [2] });
  });

  it("signal fires on deadline with deadline_exceeded", async () => {
    const ctx = createTestContext(app(), { transport: "t", route: "r", deadline: Date.now() + 20 });
    const reason = await new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason)));
    expect((reason as WegoError).code).toBe("deadline_exceeded");
    expect(() => ctx.throwIfAborted()).toThrow(WegoError);
  });

  it("abort before the signal is first read still yields an aborted signal", () => {
    const ctx = createTestContext(app(), { transport: "t", route: "r" });
    ctx.abort(new WegoError("unavailable", "shutting down"));
    expect(ctx.signal.aborted).toBe(true);
    expect((ctx.signal.reason as WegoError).code).toBe("unavailable");
  });

  it("follows a parent signal and unlinks on dispose", () => {
    const parent = new AbortController();
    const ctx = createTestContext(app(), { transport: "t", route: "r", signal: parent.signal });
    parent.abort();
    expect(ctx.aborted).toBe(true);
    expect((ctx.signal.reason as WegoError).code).toBe("cancelled");
    const p2 = new AbortController();
    const c2 = createTestContext(app(), { transport: "t", route: "r", signal: p2.signal });
    c2.dispose();
    p2.abort();
    expect(c2.aborted).toBe(false);
  });

  it("log is a child logger created on first use", () => {
    const ctx = createTestContext(app(), { transport: "t", route: "r", id: "x" });
    expect(ctx.log.bindings()).toMatchObject({ reqId: "x", route: "r", transport: "t" });
    expect(ctx.log).toBe(ctx.log);
  });
});

describe("Context values shared by a source (InvocationInit.values)", () => {
  it("reads through, copies on the first write or delete, and never writes the shared map", () => {
    const peer = createContextKey<string>("peer");
    const other = createContextKey<number>("other", 7);
    const shared = new Map<unknown, unknown>([[peer.id, "conn-1"]]);
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    const a = internalsOf(app).context({ transport: "t", route: "r", values: shared });
    const b = internalsOf(app).context({ transport: "t", route: "r", values: shared });
    expect(a.get(peer)).toBe("conn-1");
    expect(a.has(peer)).toBe(true);
    expect(a.get(other)).toBe(7);
    a.set(other, 1);
    expect(a.delete(peer)).toBe(true);
    expect(a.has(peer)).toBe(false);
    expect(a.get(other)).toBe(1);
    // b and the shared map are untouched by a's writes.
    expect(b.get(peer)).toBe("conn-1");
    expect(b.get(other)).toBe(7);
    expect([...shared.keys()]).toEqual([peer.id]);
    expect(b.delete(other)).toBe(false);
    // A fork starts from what its parent sees.
    const f = b.fork();
    expect(f.get(peer)).toBe("conn-1");
    f.set(peer, "changed");
    expect(b.get(peer)).toBe("conn-1");
  });
});
