import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { jsonHeaders, type Served, serve } from "./test-helpers.js";

/** Send raw bytes on a fresh connection and collect everything until the server closes it. */
function rawExchange(port: number, chunks: readonly string[], gapMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("data", (d) => {
      data += d;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on("error", (err) => (data ? resolve(data) : reject(err)));
    let i = 0;
    const next = (): void => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++] as string);
      timer = setTimeout(next, gapMs);
    };
    next();
  });
}

function parseRaw(raw: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head, body] = raw.split("\r\n\r\n");
  return { status: Number((head ?? "").split(" ")[1]), headers: head ?? "", body: JSON.parse(body ?? "null") };
}

describe("bad input: each answered with its documented status and code, and the server keeps serving", () => {
  let s: Served;
  const setup = async (): Promise<Served> => {
    s = await serve(
      (r, app) => {
        app.handler("echo", async (ctx) => ctx.request);
        r.post("/echo", "echo").get("/ok", "echo");
      },
      { bodyLimit: 1024, headersTimeout: 1500, requestTimeout: 5000, connectionsCheckingInterval: 100, maxHeaderSize: 2048 },
    );
    return s;
  };
  const stillServing = async (): Promise<void> => {
    const ok = await s.call("GET", "/ok?alive=1");
    expect(ok.status).toBe(200);
    expect(ok.json.data).toEqual({ alive: "1" });
  };

  const table: Array<{
    name: string;
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    status: number;
    code: string;
    reason: string;
    allow?: string;
  }> = [
    {
      name: "malformed JSON",
      method: "POST",
      path: "/echo",
      headers: jsonHeaders,
      body: '{"a":',
      status: 400,
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_NOT_JSON",
    },
    {
      name: "wrong content type",
      method: "POST",
      path: "/echo",
      headers: { "content-type": "application/xml" },
      body: "<a/>",
      status: 415,
      code: "invalid_argument",
      reason: "WEGO_ERR_HTTP_MEDIA_TYPE",
    },
    {
      name: "a charset other than UTF-8",
      method: "POST",
      path: "/echo",
      headers: { "content-type": "application/json; charset=utf-16" },
      body: "{}",
      status: 415,
      code: "invalid_argument",
      reason: "WEGO_ERR_HTTP_MEDIA_TYPE",
    },
    {
      name: "no content type",
      method: "POST",
      path: "/echo",
      body: Buffer.from("{}"),
      status: 415,
      code: "invalid_argument",
      reason: "WEGO_ERR_HTTP_MEDIA_TYPE",
    },
    {
      name: "oversized body (content-length)",
      method: "POST",
      path: "/echo",
      headers: jsonHeaders,
      body: JSON.stringify({ pad: "x".repeat(4000) }),
      status: 413,
      code: "invalid_argument",
      reason: "WEGO_ERR_HTTP_BODY_TOO_LARGE",
    },
    {
      name: "a __proto__ payload",
      method: "POST",
      path: "/echo",
      headers: jsonHeaders,
      body: '{"a":1,"__proto__":{"polluted":true}}',
      status: 400,
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_KEY",
    },
    {
      name: "a \\u-escaped __proto__ payload",
      method: "POST",
      path: "/echo",
      headers: jsonHeaders,
      body: '{"\\u005f_proto__":{"polluted":true}}',
      status: 400,
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_KEY",
    },
    {
      name: "a constructor.prototype payload",
      method: "POST",
      path: "/echo",
      headers: jsonHeaders,
      body: '{"constructor":{"prototype":{"polluted":true}}}',
      status: 400,
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_KEY",
    },
    {
      name: "a __proto__ form field",
      method: "POST",
      path: "/echo",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "__proto__=x",
      status: 400,
      code: "invalid_argument",
      reason: "WEGO_ERR_INPUT_KEY",
    },
    { name: "unknown route", method: "GET", path: "/nowhere", status: 404, code: "unimplemented", reason: "WEGO_ERR_HTTP_ROUTE_UNKNOWN" },
    {
      name: "wrong method",
      method: "DELETE",
      path: "/echo",
      status: 405,
      code: "unimplemented",
      reason: "WEGO_ERR_HTTP_METHOD_NOT_ALLOWED",
      allow: "POST",
    },
    { name: "undecodable URL", method: "GET", path: "/ok%zz", status: 400, code: "invalid_argument", reason: "WEGO_ERR_HTTP_BAD_URL" },
  ];

  for (const c of table) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      await setup();
      const reply = await s.call(c.method, c.path, { headers: c.headers ?? {}, body: c.body });
      expect(reply.status).toBe(c.status);
      expect(reply.json).toMatchObject({ code: c.code, reason: c.reason, data: null });
      expect(reply.json.requestId).toBe(reply.headers["x-request-id"]);
      if (c.allow) expect(reply.headers.allow).toBe(c.allow);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await stillServing();
    });
  }

  it("oversized chunked body (no content-length) → 413 once the limit is crossed", async () => {
    await setup();
    const raw = await rawExchange(
      s.router.port as number,
      [
        "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        `800\r\n${"x".repeat(0x800)}\r\n`,
        `800\r\n${"x".repeat(0x800)}\r\n`,
      ],
      20,
    );
    const reply = parseRaw(raw);
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_HTTP_BODY_TOO_LARGE" });
    expect(reply.headers.toLowerCase()).toContain("connection: close");
    await stillServing();
  });

  it("headers sent one byte per second → 408 deadline_exceeded, while other clients are served", async () => {
    await setup();
    const head = "GET /ok HTTP/1.1\r\nhost: x\r\n\r\n";
    const t0 = Date.now();
    const slow = rawExchange(s.router.port as number, [...head], 1000);
    await new Promise((r) => setTimeout(r, 300));
    await stillServing();
    const reply = parseRaw(await slow);
    expect(reply.status).toBe(408);
    expect(reply.body).toMatchObject({ code: "deadline_exceeded", reason: "WEGO_ERR_HTTP_REQUEST_TIMEOUT" });
    // Cut off at headersTimeout (1.5 s + the check interval), long before the head was complete.
    expect(Date.now() - t0).toBeLessThan(4000);
    await stillServing();
  });

  it("headers larger than maxHeaderSize → 431", async () => {
    await setup();
    const raw = await rawExchange(s.router.port as number, [`GET /ok HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(4000)}\r\n\r\n`], 10);
    const reply = parseRaw(raw);
    expect(reply.status).toBe(431);
    expect(reply.body).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_HTTP_HEADERS_TOO_LARGE" });
    await stillServing();
  });

  it("a malformed request line → 400", async () => {
    await setup();
    const reply = parseRaw(await rawExchange(s.router.port as number, ["NOT HTTP AT ALL\r\n\r\n"], 10));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_HTTP_BAD_REQUEST" });
    await stillServing();
  });
});
