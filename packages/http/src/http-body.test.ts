import { describe, expect, it } from "vitest";
import { httpBody } from "./http-body.js";
import { serve } from "./test-helpers.js";

describe("httpBody", () => {
  it("is written as it is, with its status, type and headers, outside the envelope", async () => {
    const s = await serve((r, app) => {
      app.handler("page", async () =>
        httpBody("text/html; charset=utf-8", "<h1>hi</h1>", { status: 201, headers: ["cache-control", "no-store"] }),
      );
      app.handler("bytes", async () => httpBody("application/octet-stream", new Uint8Array([1, 2, 3])));
      r.get("/page", "page").get("/bytes", "bytes");
    });
    const page = await s.call("GET", "/page");
    expect([page.status, page.headers["content-type"], page.headers["cache-control"], page.text]).toEqual([
      201,
      "text/html; charset=utf-8",
      "no-store",
      "<h1>hi</h1>",
    ]);
    expect(page.headers["x-request-id"]).toBeDefined();
    const bytes = await s.call("GET", "/bytes");
    expect([bytes.headers["content-length"], bytes.text]).toEqual(["3", "\u0001\u0002\u0003"]);
  });
});
