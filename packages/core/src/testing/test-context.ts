import type { App } from "../app.js";
import type { Context, InvocationInit } from "../context.js";
import { internalsOf } from "../transport/internals.js";

/** What a test context carries: an invocation's fields, all optional (transport "memory", route "test" by default). */
export type TestContextInit = Partial<Omit<InvocationInit, "values">>;

/**
 * A context built by `app`, as a transport would build it, for testing a
 * service, a filter or a client that takes a context, without going through
 * a router. The caller disposes it (`ctx.dispose()`) when it set a deadline.
 *
 * @example
 * const ctx = createTestContext(app, { request: { id: 7 }, meta: { authorization: "Bearer …" } });
 * await myService.handle(ctx, async () => {});
 */
export function createTestContext(app: App, init: TestContextInit = {}): Context {
  return internalsOf(app).context({ transport: "memory", route: "test", ...init });
}
