/**
 * @module @wego/core/testing — in-memory invocation and a memory router, for
 * an app's own tests under any runner (node:test, vitest, jest…). The router
 * conformance suite for transport authors, which needs vitest, lives at
 * `@wego/core/testing/conformance`.
 */

export { type InvokeOptions, invoke, invokeEnvelope } from "./invoke.js";
export { createMemoryRouter, type MemoryRouter } from "./memory-router.js";
export { createTestContext, type TestContextInit } from "./test-context.js";
