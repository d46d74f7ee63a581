import { WegoError } from "@wego/core";
import { fromEnvelope } from "./answer.js";
import type { CallOptions, ClientTransport } from "./client.js";

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** The server, e.g. "http://127.0.0.1:8080" (a path prefix is kept). */
  baseUrl: string;
  /** Headers sent with every call (e.g. `authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** The fetch to use; default the global one (Node's undici). */
  fetch?: typeof fetch;
}

const bodiless = new Set(["GET", "HEAD", "DELETE"]);

/** A query-string value: scalars as text, anything else as JSON. */
function queryValue(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/**
 * Calls over HTTP. A route is the router's key, "METHOD /path/:param": each
 * `:param` is filled from the input's field of that name; GET, HEAD and
 * DELETE send the other fields as the query string (the server reads them as
 * text), other methods send the input as a JSON body. The answer's envelope
 * gives the data, or a `WegoError` with the server's code.
 */
export function httpTransport(options: HttpTransportOptions): ClientTransport {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  return {
    async call(route: string, input: unknown, call: CallOptions) {
      const space = route.indexOf(" ");
      if (space < 0) throw new WegoError("invalid_argument", `HTTP route "${route}" is not "METHOD /path"`);
      const method = route.slice(0, space);
      const fields = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
      const used = new Set<string>();
      const path = route.slice(space + 1).replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
        used.add(name);
        const v = fields[name];
        if (v === undefined) throw new WegoError("invalid_argument", `path parameter "${name}" missing from the input`);
        return encodeURIComponent(queryValue(v));
      });
      const headers: Record<string, string> = { accept: "application/json", ...options.headers, ...call.meta };
      if (call.requestId !== undefined) headers["x-request-id"] = call.requestId;
      if (call.timeoutMs !== undefined) headers["x-request-timeout"] = String(call.timeoutMs);
      let url = base + path;
      let body: string | undefined;
      if (bodiless.has(method)) {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) {
          if (used.has(k) || v === undefined) continue;
          if (Array.isArray(v)) for (const item of v) q.append(k, queryValue(item));
          else q.append(k, queryValue(v));
        }
        const qs = q.toString();
        if (qs !== "") url += `?${qs}`;
      } else if (input !== undefined) {
        body = JSON.stringify(input);
        headers["content-type"] = "application/json";
      }
      const signals = [call.signal, call.timeoutMs === undefined ? undefined : AbortSignal.timeout(call.timeoutMs)].filter(
        (s): s is AbortSignal => s !== undefined,
      );
      let res: Response;
      try {
        res = await doFetch(url, { method, headers, body, signal: signals.length > 0 ? AbortSignal.any(signals) : null });
      } catch (err) {
        if ((err as Error).name === "TimeoutError")
          throw new WegoError("deadline_exceeded", `${route}: no answer within ${call.timeoutMs} ms`);
        if ((err as Error).name === "AbortError") throw new WegoError("cancelled", `${route}: cancelled`);
        throw new WegoError("unavailable", `${route}: ${(err as Error).message}`, { cause: err });
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return fromEnvelope(parsed, `${route} (HTTP ${res.status})`);
    },
  };
}
