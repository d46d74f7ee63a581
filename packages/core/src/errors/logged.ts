// Errors already written to a log with their stack, so the next layer that
// sees the same error (a filter, then dispatch) does not log it again.
const logged = new WeakSet<object>();

/** Note that `err` has been logged as a fault. */
export function markLogged(err: unknown): void {
  if (err !== null && typeof err === "object") logged.add(err);
}

/** Whether `err` has been logged as a fault already. */
export function wasLogged(err: unknown): boolean {
  return err !== null && typeof err === "object" && logged.has(err);
}
