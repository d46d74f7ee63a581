import { connect } from "node:net";
import { Code, type Context, filters, legacyEnvelope, services, WegoError } from "@wego/core";
import { describe, expect, it } from "vitest";
import { httpCodes } from "./code-map.js";
import { createHttpRouter } from "./http-router.js";
import { jsonHeaders, serve } from "./test-helpers.js";

const echo = async (ctx: Context) => ({ input: ctx.request, id: ctx.id, route: ctx.route, handler: ctx.handler });

describe("routing and input", () => {
  it("matches path parameters and answers the envelope with status 200", async () => {
    const s = await serve((r, app) => {
      app.handler("user", async (ctx) => ({ user: (ctx.request as { id: string }).id }));
      r.get("/users/:id", "user");
    });
    const reply = await s.call("GET", "/users/42");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(reply.json).toMatchObject({ code: "ok", message: "ok", data: { user: "42" } });
    expect(reply.json.requestId).toBe(reply.headers["x-request-id"]);
  });

  it("merges query < body < path params, and lists repeated query keys", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.post("/items/:id", "echo");
    });
    const reply = await s.call("POST", "/items/from-path?id=from-query&x=from-query&only=q&tag=a&tag=b", {
      headers: jsonHeaders,
      body: JSON.stringify({ id: "from-body", x: "from-body", y: 1 }),
    });
    expect(reply.status).toBe(200);
    expect((reply.json.data as { input: unknown }).input).toEqual({ id: "from-path", x: "from-body", y: 1, only: "q", tag: ["a", "b"] });
    expect((reply.json.data as { route: string }).route).toBe("POST /items/:id");
    expect((reply.json.data as { handler: string }).handler).toBe("echo");
  });

  it("decodes urlencoded and text bodies, and puts a non-object JSON body under `body`", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.post("/echo/:id", "echo");
    });
    const input = async (type: string, body: string) =>
      ((await s.call("POST", "/echo/7", { headers: { "content-type": type }, body })).json.data as { input: unknown }).input;
    expect(await input("application/x-www-form-urlencoded", "a=1&b=two&b=three")).toEqual({ a: "1", b: ["two", "three"], id: "7" });
    expect(await input("text/plain; charset=utf-8", "héllo")).toEqual({ body: "héllo", id: "7" });
    expect(await input("application/json", "[1,2,3]")).toEqual({ body: [1, 2, 3], id: "7" });
    expect(await input("application/vnd.api+json", '{"a":true}')).toEqual({ a: true, id: "7" });
  });

  it("puts the request headers, lower-cased, on ctx.meta", async () => {
    const s = await serve((r, app) => {
      app.handler("meta", async (ctx) => ({ custom: ctx.meta["x-custom-thing"], auth: ctx.meta.authorization }));
      r.get("/meta", "meta");
    });
    const reply = await s.call("GET", "/meta", { headers: { "X-Custom-Thing": "yes", Authorization: "Bearer t" } });
    expect(reply.json.data).toEqual({ custom: "yes", auth: "Bearer t" });
  });

  it("takes a valid x-request-id, replaces an invalid one, and echoes the id it used", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.get("/echo", "echo");
    });
    const given = await s.call("GET", "/echo", { headers: { "x-request-id": "abc-123_x.y:z" } });
    expect(given.headers["x-request-id"]).toBe("abc-123_x.y:z");
    expect((given.json.data as { id: string }).id).toBe("abc-123_x.y:z");
    for (const bad of ["has space", "x".repeat(129), 'quote"d', "<script>"]) {
      const reply = await s.call("GET", "/echo", { headers: { "x-request-id": bad } });
      const id = reply.headers["x-request-id"] as string;
      expect(id).not.toBe(bad);
      expect(id.length).toBeGreaterThan(0);
      expect((reply.json.data as { id: string }).id).toBe(id);
    }
    const none = await s.call("GET", "/echo");
    expect(none.headers["x-request-id"]).toMatch(/^[\w-]{10,}$/);
  });

  it("answers HEAD like GET without a body, and OPTIONS with the allowed methods", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.get("/thing", "echo").put("/thing", "echo");
    });
    const head = await s.call("HEAD", "/thing");
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    const options = await s.call("OPTIONS", "/thing");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, PUT, OPTIONS");
  });

  it("ignores a trailing slash by default, and can be strict", async () => {
    const lax = await serve((r, app) => {
      app.handler("echo", echo);
      r.get("/users/:id", "echo").get("/list/", "echo");
    });
    expect((await lax.call("GET", "/users/42/")).json.data).toMatchObject({ input: { id: "42" } });
    expect((await lax.call("GET", "/list")).status).toBe(200);
    expect((await lax.call("HEAD", "/users/42/")).status).toBe(200);
    const strict = await serve(
      (r, app) => {
        app.handler("echo", echo);
        r.get("/users/:id", "echo");
      },
      { ignoreTrailingSlash: false },
    );
    expect((await strict.call("GET", "/users/42")).status).toBe(200);
    expect((await strict.call("GET", "/users/42/")).status).toBe(404);
  });

  it("lists its routes, probes included", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.get("/a/:id", "echo").all("/any", app.handler("echo"));
    });
    const listed = s.app.routes().map((r) => `${r.route} -> ${r.handler}`);
    expect(listed).toContain("GET /a/:id -> echo");
    expect(listed).toContain("DELETE /any -> echo");
    expect(listed).toContain("GET /health -> (health)");
    expect(listed).toContain("GET /metrics -> (metrics)");
  });

  it("refuses duplicate routes, bad paths and late registration", async () => {
    const r = createHttpRouter();
    r.get("/x", "a");
    expect(() => r.get("/x", "b")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
    expect(() => r.get("nope", "b")).toThrow(/must start with/);
    expect(() => r.get("/y/:__proto__", "b")).toThrow(/__proto__/);
    const s = await serve((router, app) => {
      app.handler("echo", echo);
      router.get("/z", "echo");
    });
    expect(() => s.router.get("/late", "echo")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_LATE" }));
  });

  it("serves another envelope when the app sets one", async () => {
    const s = await serve(
      (r, app) => {
        app.handler("one", async () => ({ a: 1 }));
        app.handler("bad", async () => {
          throw new WegoError("unauthenticated", "no token", { reason: "9020" });
        });
        r.get("/one", "one").get("/bad", "bad");
      },
      {},
      { envelope: legacyEnvelope },
    );
    expect((await s.call("GET", "/one")).json).toEqual({ ret: 200, code: "0000", data: { a: 1 }, message: "请求成功" });
    const bad = await s.call("GET", "/bad");
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ code: "9020", message: "no token" });
  });

  it("runs a filtered two-service chain (the seed's shape)", async () => {
    const s = await serve((r, app) => {
      const check = async (ctx: Context, next: () => Promise<void>) => {
        if (!ctx.meta.authorization) throw new WegoError("unauthenticated", "token required");
        await next();
        ctx.response("checked", true);
      };
      const hello = (ctx: Context) => void ctx.response("hello", (ctx.request as { name: string }).name);
      app.handler("hello", filters.create(services.chain(check, hello)));
      r.get("/hello/:name", "hello");
    });
    expect((await s.call("GET", "/hello/wego")).status).toBe(401);
    const ok = await s.call("GET", "/hello/wego", { headers: { authorization: "x" } });
    expect(ok.json.data).toEqual({ hello: "wego", checked: true });
  });
});

describe("status mapping", () => {
  it("answers every code with its mapped status and the envelope", async () => {
    const codes = Object.values(Code);
    const s = await serve((r, app) => {
      app.handler("fail", async (ctx) => {
        throw new WegoError((ctx.request as { code: Code }).code, "it failed");
      });
      r.get("/fail/:code", "fail");
    });
    for (const code of codes) {
      const reply = await s.call("GET", `/fail/${code}`);
      expect([code, reply.status]).toEqual([code, httpCodes.toWire(code)]);
      expect(reply.json.code).toBe(code);
    }
  });

  it("sends Retry-After (seconds, rounded up) for 429 and 503", async () => {
    const s = await serve((r, app) => {
      app.handler("limited", async () => {
        throw new WegoError("resource_exhausted", "slow down", { retryAfterMs: 1500 });
      });
      app.handler("busy", async () => {
        throw new WegoError("unavailable", "busy", { retryAfterMs: 10_000 });
      });
      r.get("/limited", "limited").get("/busy", "busy");
    });
    const limited = await s.call("GET", "/limited");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("2");
    const busy = await s.call("GET", "/busy");
    expect(busy.status).toBe(503);
    expect(busy.headers["retry-after"]).toBe("10");
  });

  it("answers 500 without detail when a result can't be serialised, and keeps serving", async () => {
    const s = await serve((r, app) => {
      app.handler("big", async () => ({ n: 1n }));
      app.handler("ok", async () => "fine");
      r.get("/big", "big").get("/ok", "ok");
    });
    const big = await s.call("GET", "/big");
    expect(big.status).toBe(500);
    expect(big.json.code).toBe("internal");
    expect(big.json.message).toBe("internal error");
    expect((await s.call("GET", "/ok")).json.data).toBe("fine");
  });
});

describe("deadlines and disconnects", () => {
  it("answers 504 when the route timeout passes, and a caller may ask for less", async () => {
    let sawAbort = false;
    const s = await serve(
      (r, app) => {
        app.handler("slow", async (ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          sawAbort = true;
          return "late";
        });
        r.get("/slow", "slow");
      },
      { timeout: 300 },
    );
    const t0 = Date.now();
    const reply = await s.call("GET", "/slow");
    expect(reply.status).toBe(504);
    expect(reply.json.code).toBe("deadline_exceeded");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(sawAbort).toBe(true);
    const t1 = Date.now();
    const asked = await s.call("GET", "/slow", { headers: { "x-request-timeout": "50" } });
    expect(asked.status).toBe(504);
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it("aborts ctx.signal when the client disconnects", async () => {
    let resolveAborted!: (reason: unknown) => void;
    const aborted = new Promise((r) => {
      resolveAborted = r;
    });
    let entered!: () => void;
    const started = new Promise<void>((r) => {
      entered = r;
    });
    const s = await serve((r, app) => {
      app.handler("hang", async (ctx) => {
        ctx.signal.addEventListener("abort", () => resolveAborted(ctx.signal.reason), { once: true });
        entered();
        await aborted;
        return null;
      });
      r.get("/hang", "hang");
    });
    const socket = connect(s.router.port as number, "127.0.0.1");
    socket.write("GET /hang HTTP/1.1\r\nhost: x\r\n\r\n");
    await started;
    socket.destroy();
    const reason = (await aborted) as WegoError;
    expect(reason.code).toBe("cancelled");
  });
});

describe("pipelining", () => {
  it("answers pipelined requests in order, a slow one first", async () => {
    const s = await serve((r, app) => {
      app.handler("slow", async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return "slow";
      });
      app.handler("fast", async () => "fast");
      r.get("/slow", "slow").get("/fast", "fast");
    });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.router.port as number, "127.0.0.1");
      let data = "";
      socket.on("data", (d) => {
        data += d;
        if ((data.match(/"requestId"/g) ?? []).length === 2) socket.end();
      });
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
      socket.write("GET /slow HTTP/1.1\r\nhost: x\r\nx-request-id: one\r\n\r\nGET /fast HTTP/1.1\r\nhost: x\r\nx-request-id: two\r\n\r\n");
    });
    const bodies = raw.split("\r\n\r\n").filter((part) => part.startsWith("{"));
    expect(bodies.map((b) => JSON.parse(b.slice(0, b.lastIndexOf("}") + 1)))).toEqual([
      { code: "ok", message: "ok", data: "slow", requestId: "one" },
      { code: "ok", message: "ok", data: "fast", requestId: "two" },
    ]);
  });
});

describe("the server it exposes", () => {
  it("leaves upgrade requests to whoever listens for them (e.g. @wego/ws)", async () => {
    const s = await serve((r, app) => {
      app.handler("echo", echo);
      r.get("/echo", "echo");
    });
    s.router.server?.on("upgrade", (_req, socket) => {
      socket.end("HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\nconnection: upgrade\r\n\r\nhi");
    });
    const got = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.router.port as number, "127.0.0.1");
      let data = "";
      socket.on("data", (d) => {
        data += d;
      });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
      socket.write("GET /socket HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: test\r\n\r\n");
    });
    expect(got).toMatch(/^HTTP\/1.1 101/);
    expect(got.endsWith("hi")).toBe(true);
  });

  it("takes its port from config http.port when no option is given", async () => {
    const s = await serve(
      (r, app) => {
        app.handler("echo", echo);
        r.get("/echo", "echo");
      },
      { port: undefined },
      { config: { env: { WEGO_HTTP_PORT: "0", WEGO_HTTP_HOST: "127.0.0.1" }, argv: [] } },
    );
    expect(s.router.port).toBeGreaterThan(0);
    expect((await s.call("GET", "/echo")).status).toBe(200);
  });
});
