import { type ContextValues, createContextKey, createContextValues } from "@connectrpc/connect";
import type { Dispatcher } from "@wego/core/transport";

/**
 * A request on connect's path that was admitted to the dispatcher when its
 * headers arrived (so the drain serves it even if its body is still
 * arriving at stop). Connect decodes the body and then calls our
 * implementation, which takes the admission into its dispatch; whatever
 * ends the request without an invocation (an undecodable body, a probe, a
 * reset) gives it back when the request closes.
 */
export interface Admission {
  held: boolean;
}

const kAdmission = createContextKey<Admission | undefined>(undefined, { description: "wego.grpc.admission" });

/** Admit a request whose headers just arrived (none once the dispatcher has closed), as connect context values. */
export function admitRequest(d: Dispatcher): { admission: Admission | undefined; values: ContextValues } {
  const values = createContextValues();
  if (d.closed) return { admission: undefined, values };
  d.admit();
  const admission: Admission = { held: true };
  values.set(kAdmission, admission);
  return { admission, values };
}

/** Take the request's admission for its dispatch: true when it held one. */
export function takeAdmission(values: ContextValues): boolean {
  const a = values.get(kAdmission);
  if (a === undefined || !a.held) return false;
  a.held = false;
  return true;
}

/** The request closed: give back an admission nothing took. */
export function releaseAdmission(d: Dispatcher, a: Admission | undefined): void {
  if (a?.held) {
    a.held = false;
    d.release();
  }
}
