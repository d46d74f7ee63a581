import { parse as parseQuery } from "node:querystring";
import sjson from "secure-json-parse";
import { httpError } from "./errors.js";

/** How a request body is decoded, from its content type. */
export const BodyKind = { Json: 0, Form: 1, Text: 2, Unsupported: -1 } as const;
export type BodyKind = (typeof BodyKind)[keyof typeof BodyKind];

/** The content types the router decodes, for the 415 message. */
export const SUPPORTED_TYPES = "application/json, application/*+json, application/x-www-form-urlencoded, text/plain";

const charsetRx = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * Classify a `content-type` header. `application/json` (the common case) is
 * one string comparison; anything else is parsed: the media type decides,
 * and a `charset` other than UTF-8 (or ASCII, its subset) is unsupported.
 */
export function bodyKindOf(contentType: string | undefined): BodyKind {
  if (contentType === "application/json") return BodyKind.Json;
  if (contentType === undefined) return BodyKind.Unsupported;
  const semi = contentType.indexOf(";");
  const media = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (semi !== -1) {
    const m = charsetRx.exec(contentType);
    if (m !== null) {
      const cs = (m[1] as string).toLowerCase();
      if (cs !== "utf-8" && cs !== "utf8" && cs !== "us-ascii") return BodyKind.Unsupported;
    }
  }
  if (media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"))) return BodyKind.Json;
  if (media === "application/x-www-form-urlencoded") return BodyKind.Form;
  if (media === "text/plain") return BodyKind.Text;
  return BodyKind.Unsupported;
}

// Text that may hide a prototype-polluting key: `__proto__`, `constructor`,
// or any \u escape (which can spell either). Only then is the parsed value
// scanned, so ordinary bodies pay three substring searches (a regex
// alternation over the same text costs several times more).
function suspect(text: string): boolean {
  return text.includes("__proto__") || text.includes("constructor") || text.includes("\\u");
}
const scanOptions = { protoAction: "error", constructorAction: "error" } as const;

/**
 * Decode a body read in full. JSON is parsed with JSON.parse and, when the
 * text is suspect, scanned with secure-json-parse: a `__proto__` key or a
 * `constructor.prototype` is refused (400), never merged into anything.
 */
export function decodeBody(kind: BodyKind, buf: Buffer): unknown {
  const text = buf.toString("utf8");
  if (kind === BodyKind.Json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw httpError("WEGO_ERR_HTTP_BODY_INVALID", ["JSON", (err as Error).message]);
    }
    if (value !== null && typeof value === "object" && suspect(text)) {
      try {
        sjson.scan(value as Record<string, unknown>, scanOptions);
      } catch {
        throw httpError("WEGO_ERR_HTTP_BODY_FORBIDDEN_KEY");
      }
    }
    return value;
  }
  if (kind === BodyKind.Form) {
    // node's querystring returns a null-prototype object: `__proto__=x` is an ordinary key there.
    const form = parseQuery(text) as Record<string, unknown>;
    if (Object.hasOwn(form, "__proto__")) throw httpError("WEGO_ERR_HTTP_BODY_FORBIDDEN_KEY");
    return form;
  }
  return text;
}
