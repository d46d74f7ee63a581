// The HTTP client's request and response types and its helpers that hold no
// client state: loading undici, what may be retried (by method, by status, by
// an operator's rule), the service behind a discovering client's URL, and
// reading a response as a result or a WegoError.
import { createRequire } from "node:module";
import { setTimeout as wait } from "node:timers/promises";
import { type App, type Code, type Context, governanceOf, isCode, type RetrySpec, WegoError } from "@wego/core";
import { frameworkError, isBadInput } from "@wego/core/transport";
import { codeOfStatus } from "./code-map.js";

type QueryValue = string | number | boolean;

/** One request. */
export interface HttpRequest {
  method?: string;
  /** Appended to the base URL (`/users/42`). */
  path: string;
  query?: Readonly<Record<string, QueryValue | readonly QueryValue[] | undefined>>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** The invocation this call is made for: its id, trace and deadline travel along, its signal cancels. */
  ctx?: Context;
  /** Per-attempt timeout for this call, ms. */
  timeoutMs?: number;
  /** Override: retry this call even if the method isn't idempotent (or never retry it, with false). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Session key for the session-sticky strategy (a user id, a cart id): its calls stay on one instance. */
  sessionKey?: string;
}

/** A response of any status; `body` is parsed JSON for JSON responses, else text. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  /** The base URL that answered. */
  baseUrl: string;
}

const requireHere = createRequire(import.meta.url);
/**
 * undici, loaded when the first client is created: an app that only serves
 * HTTP never pays its ~60 ms load (`require` of it is synchronous), and never
 * installs it: it is an optional peer, the client's alone.
 */
export function undici(): typeof import("undici") {
  try {
    return requireHere("undici") as typeof import("undici");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw err;
    throw frameworkError(
      "WEGO_ERR_OPTIONS_INVALID",
      "createHttpClient",
      "the HTTP client needs undici (an optional peer of @wego/http): npm i undici",
    );
  }
}

export const idempotentMethods = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
/** Reasons a wego server gives when it refused a request before any handler saw it (it is shutting down). */
export const refusedUnprocessed = new Set(["WEGO_ERR_APP_STOPPING", "WEGO_ERR_HTTP_SHUTDOWN"]);
/** Errors that prove the request never reached the server: safe to retry whatever the method. */
export const notSent = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The governance retry rule matching an outgoing call made with a context (`governance.retry.<marker>`), if any. */
export function retryPolicyOf(req: HttpRequest, method: string, headers: Record<string, string>): RetrySpec | undefined {
  const app = req.ctx?.app;
  if (app === undefined) return undefined;
  return governanceOf(app as App).retryFor({
    handler: req.path,
    transport: "http",
    route: `${method} ${req.path.split("?")[0]}`,
    meta: headers,
    id: req.ctx?.id ?? "",
  });
}

const defaultRetryCodes: readonly Code[] = ["unavailable", "deadline_exceeded", "resource_exhausted"];

/** Whether a response's status is one the rule retries (by the code it maps to). */
export function policyRetries(policy: RetrySpec, status: number): boolean {
  const code = codeOfStatus(status);
  return code !== undefined && (policy.on ?? defaultRetryCodes).includes(code);
}

/**
 * The service a discovering client calls, and the path prefix of its URL:
 * `service` as given, else the host of the one base URL (`http://orders/api`
 * → `orders`, `/api`), which must have no port (a port means an address).
 */
export function serviceOf(service: string | undefined, urls: string[]): { service: string; prefix: string } | undefined {
  if (service !== undefined) {
    const u = urls[0] === undefined ? undefined : new URL(urls[0]);
    return { service, prefix: u === undefined ? "" : u.pathname.replace(/\/+$/, "") };
  }
  if (urls.length !== 1) return undefined;
  let u: URL;
  try {
    u = new URL(urls[0] as string);
  } catch {
    return undefined;
  }
  if (u.port !== "") return undefined;
  return { service: u.hostname, prefix: u.pathname.replace(/\/+$/, "") };
}

/** A caller's cancel or a caller's mistake (4xx) says nothing about the upstream's health. */
export function countsAgainstCircuit(err: unknown): boolean {
  const code = WegoError.from(err).code;
  return code !== "cancelled" && !isBadInput(code);
}

/**
 * Wait `ms` before a retry; `cancelled` when `signal` aborts (node's timer
 * takes its abort listener off again, so a context retried many times
 * collects none).
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  try {
    await wait(ms, undefined, signal === undefined ? undefined : { signal });
  } catch {
    throw WegoError.from(signal?.reason, "cancelled");
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

interface EnvelopeLike {
  code?: unknown;
  message?: unknown;
  data?: unknown;
  reason?: unknown;
  details?: unknown;
  ret?: unknown;
}

/** A wego envelope's `data` (the default or the legacy shape), else the body itself. */
export function unwrap(body: unknown): unknown {
  if (body !== null && typeof body === "object" && "data" in body) {
    const e = body as EnvelopeLike;
    if (e.code === "ok" || (e.ret !== undefined && e.code === "0000")) return e.data;
  }
  return body;
}

/** The WegoError a non-2xx response stands for: the envelope's code when it carries one, else the status's. */
export function errorOf(req: { method?: string; path: string }, res: HttpResponse): WegoError {
  const e = (res.body !== null && typeof res.body === "object" ? res.body : {}) as EnvelopeLike;
  const retryAfter = retryAfterMs(res.headers["retry-after"]);
  const opts = {
    ...(typeof e.reason === "string" ? { reason: e.reason } : {}),
    ...(e.details !== undefined ? { details: e.details } : {}),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
  const code: Code = isCode(e.code) ? e.code : (codeOfStatus(res.status) ?? "unknown");
  const message = typeof e.message === "string" ? e.message : `${req.method ?? "GET"} ${req.path} answered ${res.status}`;
  return new WegoError(code, message, opts);
}
