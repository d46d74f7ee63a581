import { describe, expect, it } from "vitest";
import { createCors } from "./cors.js";
import { serve } from "./test-helpers.js";

describe("CORS", () => {
  const setup = () =>
    serve(
      (r, app) => {
        app.handler("echo", async () => "hi");
        r.get("/echo", "echo").post("/echo", "echo");
      },
      { cors: { origins: ["https://app.example.com", /https:\/\/[a-z]+\.example\.org/], credentials: true } },
    );

  it("reflects an allowed origin with credentials and Vary, never *", async () => {
    const s = await setup();
    const reply = await s.call("GET", "/echo", { headers: { origin: "https://app.example.com" } });
    expect(reply.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(reply.headers["access-control-allow-credentials"]).toBe("true");
    expect(reply.headers.vary).toBe("origin");
    expect(reply.headers["access-control-expose-headers"]).toContain("x-request-id");
    const pattern = await s.call("GET", "/echo", { headers: { origin: "https://shop.example.org" } });
    expect(pattern.headers["access-control-allow-origin"]).toBe("https://shop.example.org");
  });

  it("sends no CORS headers to an origin off the list (a RegExp must match the whole origin)", async () => {
    const s = await setup();
    for (const origin of ["https://evil.example.net", "https://shop.example.org.evil.net", "null"]) {
      const reply = await s.call("GET", "/echo", { headers: { origin } });
      expect(reply.status).toBe(200);
      expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
      expect(reply.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });

  it("answers an allowed preflight with 204 and the policy, a refused one with 403", async () => {
    const s = await setup();
    const ok = await s.call("OPTIONS", "/echo", {
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(ok.headers["access-control-allow-methods"]).toContain("POST");
    expect(ok.headers["access-control-allow-headers"]).toContain("content-type");
    expect(ok.headers["access-control-max-age"]).toBe("600");
    const refused = await s.call("OPTIONS", "/echo", {
      headers: { origin: "https://evil.example.net", "access-control-request-method": "POST" },
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: "permission_denied", reason: "WEGO_ERR_HTTP_CORS_ORIGIN" });
  });

  it("takes its allow-list from config when no option is given", async () => {
    const s = await serve(
      (r, app) => {
        app.handler("echo", async () => "hi");
        r.get("/echo", "echo");
      },
      {},
      { config: { env: { WEGO_HTTP_CORS_ORIGINS: "https://a.example, https://b.example", WEGO_HTTP_CORS_CREDENTIALS: "true" }, argv: [] } },
    );
    const b = await s.call("GET", "/echo", { headers: { origin: "https://b.example" } });
    expect(b.headers["access-control-allow-origin"]).toBe("https://b.example");
    expect(b.headers["access-control-allow-credentials"]).toBe("true");
    expect(
      (await s.call("GET", "/echo", { headers: { origin: "https://c.example" } })).headers["access-control-allow-origin"],
    ).toBeUndefined();
  });

  it('refuses "*" together with credentials at configuration time', () => {
    expect(() => createCors({ origins: ["*"], credentials: true })).toThrow(/must not be "\*"/);
    expect(() => createCors({ origins: [] })).toThrow(/at least one origin/);
  });

  it('"*" without credentials answers * with no Vary', () => {
    const cors = createCors({ origins: ["*"] });
    expect(cors.actual("https://any.where")).toEqual([
      "access-control-allow-origin",
      "*",
      "access-control-expose-headers",
      "x-request-id, retry-after",
    ]);
  });

  it("accepts a predicate", () => {
    const cors = createCors({ origins: (o) => o.endsWith(".internal"), credentials: true });
    expect(cors.actual("https://a.internal")?.slice(0, 2)).toEqual(["access-control-allow-origin", "https://a.internal"]);
    expect(cors.actual("https://a.external")).toBeUndefined();
  });
});
