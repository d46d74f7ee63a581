import { WegoError } from "@wego/core";
import { fromEnvelope } from "./answer.js";
import type { CallOptions, ClientTransport } from "./client.js";

/** Options of {@link wsTransport}. */
export interface WsTransportOptions {
  /** The server's WebSocket URL, e.g. "ws://127.0.0.1:8080/ws" (a token may go in the query, as the router's `tokenQuery`). */
  url: string;
  /** The WebSocket class; default the global one (Node ≥ 22, browsers). */
  WebSocket?: typeof WebSocket;
}

interface Pending {
  route: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  done(): void;
}

/**
 * Calls over one WebSocket connection (opened at the first call, again after
 * it closes): each call is a frame `{ id, route, data, requestId?, timeoutMs? }`
 * answered by the frame with the same id. Pushes (frames without a pending
 * id) are ignored here. Calls pending when the connection drops reject
 * `unavailable`.
 */
export function wsTransport(options: WsTransportOptions): ClientTransport {
  const Ws = options.WebSocket ?? WebSocket;
  const pending = new Map<number, Pending>();
  let socket: Promise<WebSocket> | undefined;
  let next = 1;

  const open = (): Promise<WebSocket> => {
    if (socket !== undefined) return socket;
    const s = new Ws(options.url);
    const opened = new Promise<WebSocket>((resolve, reject) => {
      s.addEventListener("open", () => resolve(s), { once: true });
      s.addEventListener("error", () => reject(new WegoError("unavailable", `WebSocket ${options.url} failed to open`)), { once: true });
    });
    s.addEventListener("message", (ev: MessageEvent) => {
      let frame: { id?: unknown } & Record<string, unknown>;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const p = typeof frame.id === "number" ? pending.get(frame.id) : undefined;
      if (p === undefined) return;
      p.done();
      try {
        p.resolve(fromEnvelope(frame, `${p.route} (WebSocket)`));
      } catch (err) {
        p.reject(err);
      }
    });
    s.addEventListener("close", (ev: CloseEvent) => {
      socket = undefined;
      for (const p of [...pending.values()]) {
        p.done();
        p.reject(new WegoError("unavailable", `${p.route}: the WebSocket closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
      }
    });
    socket = opened.catch((err) => {
      socket = undefined;
      throw err;
    });
    return socket;
  };

  return {
    async call(route: string, input: unknown, call: CallOptions) {
      const s = await open();
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer =
          call.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                entry.done();
                reject(new WegoError("deadline_exceeded", `${route}: no answer within ${call.timeoutMs} ms`));
              }, call.timeoutMs);
        const onAbort = (): void => {
          entry.done();
          reject(new WegoError("cancelled", `${route}: cancelled`));
        };
        const entry: Pending = {
          route,
          resolve,
          reject,
          done() {
            pending.delete(id);
            if (timer !== undefined) clearTimeout(timer);
            call.signal?.removeEventListener("abort", onAbort);
          },
        };
        if (call.signal?.aborted) return onAbort();
        call.signal?.addEventListener("abort", onAbort, { once: true });
        pending.set(id, entry);
        s.send(JSON.stringify({ id, route, data: input, requestId: call.requestId, timeoutMs: call.timeoutMs }));
      });
    },
    async close() {
      const s = socket;
      socket = undefined;
      if (s === undefined) return;
      const ws = await s.catch(() => undefined);
      if (ws === undefined || ws.readyState === ws.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.addEventListener("close", () => resolve(), { once: true });
        ws.close(1000);
      });
    },
  };
}
