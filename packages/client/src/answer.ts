import { type Code, isCode, WegoError } from "@wego/core";

/**
 * The data of an envelope `{ code: "ok", data }`, or the `WegoError` of an
 * error envelope (`code`, `message`, `reason`, `details`). Anything else
 * (not an envelope: a proxy's page, say) is `unavailable`.
 */
export function fromEnvelope(body: unknown, what: string): unknown {
  const env = body as { code?: unknown; message?: unknown; data?: unknown; reason?: unknown; details?: unknown } | null;
  if (env === null || typeof env !== "object" || typeof env.code !== "string")
    throw new WegoError("unavailable", `${what}: the answer is not a wego envelope`);
  if (env.code === "ok") return env.data;
  const code: Code = isCode(env.code) ? env.code : "unknown";
  throw new WegoError(code, typeof env.message === "string" ? env.message : undefined, {
    ...(typeof env.reason === "string" ? { reason: env.reason } : {}),
    ...(env.details !== undefined ? { details: env.details } : {}),
  });
}
