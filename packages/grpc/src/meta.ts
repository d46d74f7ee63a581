import type { Meta } from "@wego/core";

/** Metadata from a WHATWG Headers (connect's handlers): repeated keys arrive joined with ", ". */
export function metaFromHeaders(headers: Headers): Meta {
  const meta: Record<string, string> = {};
  headers.forEach((value, key) => {
    meta[key] = value;
  });
  return meta;
}

/** Metadata from node:http2 headers: everything but the pseudo-headers (`:path`, `:method`…). */
export function metaFromNode(headers: Record<string, string | string[] | undefined>): Meta {
  const meta: Record<string, string | string[] | undefined> = {};
  for (const key in headers) if (key.charCodeAt(0) !== 58 /* ":" */) meta[key] = headers[key];
  return meta;
}

const units: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * `grpc-timeout` (1–8 digits and a unit: H M S m u n) in ms, or undefined
 * when absent or malformed (a malformed timeout is ignored, as grpc-go does).
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined || !timeoutSyntax.test(value)) return undefined;
  return Number(value.slice(0, -1)) * (units[value[value.length - 1] as string] as number);
}

const timeoutSyntax = /^\d{1,8}[HMSmun]$/;
