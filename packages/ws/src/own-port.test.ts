// Issue 16 item 4: every answer of the WebSocket port that is not an upgrade
// is the JSON envelope with a request id and a documented reason and status.
// Requests are written by hand over node:net, as curl or a scanner would.
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { type App, createApp } from "@wego/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Started, startWs } from "./test/harness.js";
import { createWsRouter } from "./ws-router.js";

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Write `head` (CRLF lines, no final blank line) to the port and read the whole answer; the server closes after it. */
function raw(port: number, head: string[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const colon = l.indexOf(":");
        headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
      }
      const bodyText = text.slice(split + 4);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = { unparsed: bodyText };
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
  });
}

const upgrade = (path: string, extra: string[] = [], key = "dGhlIHNhbXBsZSBub25jZQ==", version = "13"): string[] => [
  `GET ${path} HTTP/1.1`,
  "Host: 127.0.0.1",
  "Connection: Upgrade",
  "Upgrade: websocket",
  `Sec-WebSocket-Key: ${key}`,
  `Sec-WebSocket-Version: ${version}`,
  ...extra,
];

const plain = (method: string, path: string, extra: string[] = []): string[] => [
  `${method} ${path} HTTP/1.1`,
  "Host: 127.0.0.1",
  "Connection: close",
  ...extra,
];

/** The envelope of a refusal: JSON, the reason and code, and one request id in the body and the header. */
function expectEnvelope(a: RawAnswer, status: number, code: string, reason: string): void {
  expect(a.status).toBe(status);
  expect(a.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(a.body).toMatchObject({ code, reason, data: null });
  expect(typeof a.body.requestId).toBe("string");
  expect(a.headers["x-request-id"]).toBe(a.body.requestId);
}

let started: Started | undefined;
let app: App | undefined;
afterEach(async () => {
  await started?.stop();
  await app?.stop({ timeout: 2000 });
  started = undefined;
  app = undefined;
});

describe("the WebSocket router's own port answers every plain request with the envelope", () => {
  it("answers a plain GET of the upgrade path 426 WEGO_ERR_WS_UPGRADE_REQUIRED with Upgrade: websocket", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, plain("GET", "/ws"));
    expectEnvelope(a, 426, "failed_precondition", "WEGO_ERR_WS_UPGRADE_REQUIRED");
    expect(a.headers.upgrade).toBe("websocket");
  });

  it("answers a plain request to another path 404 WEGO_ERR_WS_PATH_UNKNOWN, adopting a valid X-Request-Id", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, plain("POST", "/nope?x=1", ["X-Request-Id: probe-7", "Content-Length: 0"]));
    expectEnvelope(a, 404, "not_found", "WEGO_ERR_WS_PATH_UNKNOWN");
    expect(a.body.requestId).toBe("probe-7");
    expect(a.body.message).toContain("POST /nope");
  });

  it("serves GET /health and GET /ready on the own port, and /ready answers 503 WEGO_ERR_WS_NOT_READY when a check fails", async () => {
    let healthy = true;
    started = await startWs((a) => void a.check("db", () => healthy), []);
    const port = started.router.port as number;
    const health = await raw(port, plain("GET", "/health"));
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ code: "ok", data: { status: "serving" } });
    expect(health.headers["x-request-id"]).toBe(health.body.requestId);
    const ready = await raw(port, plain("GET", "/ready"));
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ code: "ok", data: { ready: true, state: "running", checks: { db: { ok: true } } } });
    healthy = false;
    const notReady = await raw(port, plain("GET", "/ready"));
    expectEnvelope(notReady, 503, "unavailable", "WEGO_ERR_WS_NOT_READY");
  });

  it("answers an HTTP/1.1 request without Host by its path, not with node's bare 400", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, ["GET /health HTTP/1.1", "Connection: close"]);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ code: "ok", data: { status: "serving" } });
  });

  it("answers what node's parser refuses 400 WEGO_ERR_WS_BAD_REQUEST with the envelope", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, ["BR@W / HTTP/1.1", "Host: t"]);
    expectEnvelope(a, 400, "invalid_argument", "WEGO_ERR_WS_BAD_REQUEST");
  });

  it("switches the probes off with health: false and ready: false", async () => {
    started = await startWs(() => {}, [], { health: false, ready: false });
    const a = await raw(started.router.port as number, plain("GET", "/health"));
    expectEnvelope(a, 404, "not_found", "WEGO_ERR_WS_PATH_UNKNOWN");
  });
});

describe("a refused upgrade is answered with the envelope and a request id", () => {
  it("refuses a bad Sec-WebSocket-Key 400 WEGO_ERR_WS_HANDSHAKE_INVALID", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, upgrade("/ws", [], "not-a-key"));
    expectEnvelope(a, 400, "invalid_argument", "WEGO_ERR_WS_HANDSHAKE_INVALID");
    expect(a.body.message).toContain("Sec-WebSocket-Key");
  });

  it("refuses a malformed handshake before it costs an origin check or an authentication", async () => {
    let calls = 0;
    started = await startWs(() => {}, [], {
      auth: () => {
        calls++;
        return undefined;
      },
    });
    const a = await raw(started.router.port as number, upgrade("/ws", ["Authorization: Bearer t"], "AAAA"));
    expectEnvelope(a, 400, "invalid_argument", "WEGO_ERR_WS_HANDSHAKE_INVALID");
    expect(calls).toBe(0);
  });

  it("refuses an unsupported Sec-WebSocket-Version 400 and names the versions it speaks", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, upgrade("/ws", [], undefined, "12"));
    expectEnvelope(a, 400, "invalid_argument", "WEGO_ERR_WS_HANDSHAKE_INVALID");
    expect(a.body.message).toContain("Sec-WebSocket-Version");
    expect(a.headers["sec-websocket-version"]).toBe("13, 8");
  });

  it("refuses a malformed Sec-WebSocket-Protocol (found by ws itself) 400 with the envelope", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, upgrade("/ws", ["Sec-WebSocket-Protocol: chat,,x y"]));
    expectEnvelope(a, 400, "invalid_argument", "WEGO_ERR_WS_HANDSHAKE_INVALID");
    expect(a.body.message).toContain("Sec-WebSocket-Protocol");
  });

  it("refuses an upgrade of an unknown path 404 WEGO_ERR_WS_PATH_UNKNOWN with a request id", async () => {
    started = await startWs(() => {}, []);
    const a = await raw(started.router.port as number, upgrade("/elsewhere", ["X-Request-Id: up-404"]));
    expectEnvelope(a, 404, "not_found", "WEGO_ERR_WS_PATH_UNKNOWN");
    expect(a.body.requestId).toBe("up-404");
  });

  it("does the same on an attached HTTP server: unknown path 404 and bad key 400, with request ids", async () => {
    const server: Server = createServer((_req, res) => res.end("plain http"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const a = createApp({ name: "attach-raw", logger: false, config: { env: {}, argv: [] } });
    app = a;
    a.router("ws", createWsRouter({ attach: { server } }));
    a.onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await a.start();
    const port = (server.address() as { port: number }).port;
    expectEnvelope(await raw(port, upgrade("/other")), 404, "not_found", "WEGO_ERR_WS_PATH_UNKNOWN");
    expectEnvelope(await raw(port, upgrade("/ws", [], "short")), 400, "invalid_argument", "WEGO_ERR_WS_HANDSHAKE_INVALID");
  });
});
