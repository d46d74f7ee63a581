import { describe, expect, it } from "vitest";
import { rawClient, serve } from "./test-helpers.js";

/** The responses in a raw exchange: status, lower-cased head, parsed JSON body (bodies here carry content-length). */
function responses(raw: string): Array<{ status: number; head: string; body: Record<string, unknown> }> {
  const out: Array<{ status: number; head: string; body: Record<string, unknown> }> = [];
  let rest = raw;
  while (rest.startsWith("HTTP/1.1 ")) {
    const end = rest.indexOf("\r\n\r\n");
    const head = rest.slice(0, end).toLowerCase();
    const length = Number(/\r\ncontent-length: (\d+)/.exec(head)?.[1] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    out.push({ status: Number(head.slice(9, 12)), head, body: JSON.parse(body) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

describe("requests node's parser refuses, over a raw TCP connection", () => {
  const twoServer = async () => {
    const ran: string[] = [];
    const s = await serve((r, app) => {
      app.handler("two", async (ctx) => {
        ran.push(ctx.id);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { two: 2 };
      });
      app.handler("fast", async (ctx) => {
        ran.push(ctx.id);
        return "fast";
      });
      r.get("/exam/two", "two").get("/fast", "fast");
    });
    return { s, ran };
  };

  // Issue 16, item 2: the handler of the first request ran, its answer never reached the client.
  it("answers pipelined requests before a malformed one first, in order, then the 400, then closes", async () => {
    const { s, ran } = await twoServer();
    const c = rawClient(s.router.port as number);
    c.write(
      "GET /exam/two HTTP/1.1\r\nHost: t\r\nX-Request-Id: pipe-1\r\n\r\n" +
        "GET /fast HTTP/1.1\r\nHost: t\r\nX-Request-Id: pipe-2\r\n\r\n" +
        "BR@W / HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    await c.ended;
    expect(ran).toEqual(["pipe-1", "pipe-2"]);
    const got = responses(c.text());
    expect(got.map((r) => r.status)).toEqual([200, 200, 400]);
    expect(got[0]?.head).toContain("x-request-id: pipe-1");
    expect(got[0]?.body).toMatchObject({ code: "ok", data: { two: 2 }, requestId: "pipe-1" });
    expect(got[1]?.body).toMatchObject({ code: "ok", data: "fast", requestId: "pipe-2" });
    expect(got[2]?.body).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_HTTP_BAD_REQUEST" });
    expect(got[2]?.head).toContain("connection: close");
  });

  it("answers the issue's exact pipeline: the first request's answer, then the 400", async () => {
    const { s } = await twoServer();
    const c = rawClient(s.router.port as number);
    c.write("GET /exam/two HTTP/1.1\r\nHost: t\r\nX-Request-Id: pipe-1\r\n\r\nBR@W / HTTP/1.1\r\nHost: t\r\n\r\n");
    await c.ended;
    expect(responses(c.text()).map((r) => [r.status, r.body.requestId])).toEqual([
      [200, "pipe-1"],
      [400, expect.any(String)],
    ]);
  });

  // Some nc builds half-close when their input ends; node takes that as the client leaving (as nginx does):
  // the refusal waiting for the first answer must give up then, not wait on a response that will never finish.
  it("closes at once when the client half-closes after a malformed pipeline, and keeps serving", async () => {
    const { s } = await twoServer();
    const c = rawClient(s.router.port as number);
    c.end("GET /exam/two HTTP/1.1\r\nHost: t\r\nX-Request-Id: pipe-1\r\n\r\nBR@W / HTTP/1.1\r\nHost: t\r\n\r\n");
    const t0 = Date.now();
    await c.ended;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await s.call("GET", "/fast")).status).toBe(200);
  });

  // Issue 16, item 3: node's own answer was a bare 400, without envelope or request id.
  it("answers an HTTP/1.1 request without Host with the envelope, a request id and connection: close; no handler runs", async () => {
    const { s, ran } = await twoServer();
    const c = rawClient(s.router.port as number);
    c.write("GET /exam/two HTTP/1.1\r\nX-Request-Id: no-host-1\r\n\r\n");
    await c.ended;
    const [reply, ...more] = responses(c.text());
    expect(more).toHaveLength(0);
    expect(reply?.status).toBe(400);
    expect(reply?.body).toMatchObject({
      code: "invalid_argument",
      reason: "WEGO_ERR_HTTP_HOST_MISSING",
      requestId: "no-host-1",
      data: null,
    });
    expect(reply?.head).toContain("x-request-id: no-host-1");
    expect(reply?.head).toContain("connection: close");
    expect(ran).toEqual([]);
    // HTTP/1.0 has no Host requirement.
    const old = rawClient(s.router.port as number);
    old.write("GET /fast HTTP/1.0\r\n\r\n");
    await old.ended;
    expect(old.text()).toMatch(/^HTTP\/1.1 200/);
  });
});
