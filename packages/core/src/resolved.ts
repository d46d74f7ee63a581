/**
 * The one already-resolved promise a service chain hands back when every
 * service in it finished synchronously. `filters.comm` and `filters.create`
 * compare against it by identity: a chain that did not wait on anything is
 * answered without a further reaction (each microtask hop between a request
 * and its response costs a transport measurably, see bench/http).
 */
export const resolved: Promise<void> = Promise.resolve();
