import { parse as parseQuery } from "node:querystring";
import { type InputLimits, parseJson } from "@wego/core/transport";

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

/**
 * Decode a body read in full. JSON goes through core's `parseJson` (input
 * limits, depth, forbidden keys: `WEGO_ERR_INPUT_*`, as on every transport).
 * A form becomes a null-prototype object (node's querystring), whose keys
 * dispatch inspects; text is passed as is.
 */
export function decodeBody(kind: BodyKind, buf: Buffer, limits: InputLimits): unknown {
  if (kind === BodyKind.Json) return parseJson(buf, limits);
  const text = buf.toString("utf8");
  return kind === BodyKind.Form ? parseQuery(text) : text;
}
