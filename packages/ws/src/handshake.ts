import type { IncomingMessage } from "node:http";

// RFC 6455 §4.2.1: a 16-byte nonce, base64 (22 characters and "==").
const keyPattern = /^[+/0-9A-Za-z]{22}==$/;

/** The headers that go with a refused handshake: the versions this server speaks (RFC 6455 §4.4). */
export const versionHeaders: Readonly<Record<string, string>> = Object.freeze({ "Sec-WebSocket-Version": "13, 8" });

/**
 * What is wrong with an upgrade request's WebSocket handshake, before it
 * costs an origin check or an authentication: the checks `ws` makes in
 * `handleUpgrade` (method, `Upgrade`, `Sec-WebSocket-Key`,
 * `Sec-WebSocket-Version`), made first so the refusal is the envelope
 * rather than ws's text/html page. Undefined when it is well formed.
 */
export function handshakeProblem(req: IncomingMessage): { problem: string; headers?: Readonly<Record<string, string>> } | undefined {
  if (req.method !== "GET") return { problem: `method ${req.method} (a WebSocket handshake is a GET)` };
  const upgrade = req.headers.upgrade;
  if (upgrade === undefined || upgrade.toLowerCase() !== "websocket") return { problem: 'the Upgrade header must be "websocket"' };
  const key = req.headers["sec-websocket-key"];
  if (key === undefined || !keyPattern.test(key)) return { problem: "missing or invalid Sec-WebSocket-Key header" };
  const version = req.headers["sec-websocket-version"];
  if (version !== "13" && version !== "8")
    return { problem: "missing or unsupported Sec-WebSocket-Version header", headers: versionHeaders };
  return undefined;
}
