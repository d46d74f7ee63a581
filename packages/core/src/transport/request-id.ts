/** The longest request id taken from a caller; longer ones are replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

// 1 for each character an id may hold: A-Z a-z 0-9 and - . / : + = @ _
const allowed = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./:+=@_") allowed[c.charCodeAt(0)] = 1;

/**
 * Whether a caller's request id may be adopted and echoed back: 1–128
 * characters of `A-Z a-z 0-9 - _ . : / + = @` (documented in docs/errors.md).
 * Anything else (spaces, quotes, control characters, a list of ids) is
 * replaced by a generated id, so an id can never inject into a header, a log
 * line or a JSON string. One rule for every transport: dispatch applies it.
 */
export function isValidRequestId(id: unknown): id is string {
  if (typeof id !== "string") return false;
  const n = id.length;
  if (n === 0 || n > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c > 127 || allowed[c] === 0) return false;
  }
  return true;
}
