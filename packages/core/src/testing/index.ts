/**
 * @module @wego/core/testing — in-memory invocation and the router
 * conformance suite (needs vitest, an optional peer dependency).
 */

export { type ConformanceDriver, type ConformanceReply, describeRouterConformance } from "./conformance.js";
export { catalogueCodes, documentedReasons } from "./error-docs.js";
export { type InvokeOptions, invoke, invokeEnvelope } from "./invoke.js";
export { createMemoryRouter, type MemoryRouter } from "./memory-router.js";
