import type { IncomingMessage } from "node:http";

/**
 * Which browser origins may open a connection:
 * - `"*"`: any origin;
 * - a list of exact origins (`"https://app.example.com"`) and/or RegExps;
 * - a function deciding per request.
 * The default is same-origin: the Origin header's host must equal the Host
 * header. Requests without an Origin header (non-browser clients, which can
 * send any header anyway) pass.
 */
export type OriginPolicy = "*" | readonly (string | RegExp)[] | ((origin: string, req: IncomingMessage) => boolean);

/** Compile a policy into a check; `undefined` is the same-origin default. */
export function originCheck(policy: OriginPolicy | undefined): (req: IncomingMessage) => boolean {
  if (policy === "*") return () => true;
  if (typeof policy === "function") {
    return (req) => {
      const origin = req.headers.origin;
      return origin === undefined || policy(origin, req);
    };
  }
  if (policy === undefined) {
    return (req) => {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      const host = req.headers.host;
      if (host === undefined) return false;
      try {
        return new URL(origin).host === host.toLowerCase();
      } catch {
        return false;
      }
    };
  }
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  let any = false;
  for (const p of policy) {
    if (p === "*") any = true;
    else if (typeof p === "string") exact.add(p.toLowerCase().replace(/\/+$/, ""));
    else patterns.push(p);
  }
  if (any) return () => true;
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const o = origin.toLowerCase();
    return exact.has(o) || patterns.some((re) => re.test(o));
  };
}
