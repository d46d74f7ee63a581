import { frameworkError } from "./errors/catalogue.js";
import type { Endpoint } from "./filter.js";
import { handlerInfo } from "./handler.js";

/** A route target resolved at start: the handler's name and its endpoint. */
export interface ResolvedHandler {
  name: string;
  endpoint: Endpoint;
}

const kHandlerRef = Symbol.for("wego.handlerRef");
type HandlerRef = Endpoint & { [kHandlerRef]: string };

/**
 * The handler name a route target points at, before the app starts: the
 * string itself, the name behind an `app.handler("x")` reference, or the
 * endpoint's function name ("(inline)" for an anonymous one). For `routes()`
 * listings; route tables still resolve targets at start.
 */
export function targetName(target: string | Endpoint): string {
  if (typeof target === "string") return target;
  const ref = (target as Partial<HandlerRef>)[kHandlerRef];
  return typeof ref === "string" ? ref : target.name || "(inline)";
}

/** An app's named handlers: registration, lazy references, resolution at start. */
export class HandlerRegistry {
  readonly #handlers = new Map<string, Endpoint>();

  /** Register `endpoint` under `name`, or a typed handler under its own name. */
  add(nameOrHandler: string | Endpoint, endpoint?: Endpoint): void {
    if (typeof nameOrHandler === "function") {
      const own = handlerInfo(nameOrHandler)?.name;
      if (own === undefined)
        throw frameworkError(
          "WEGO_ERR_NOT_A_FUNCTION",
          "app.handler(h)",
          "a typed handler with a name (or app.handler(name, endpoint))",
          "one without a name",
        );
      this.add(own, nameOrHandler);
      return;
    }
    const name = nameOrHandler;
    if (typeof endpoint !== "function")
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `handler "${name}"`, "an endpoint (ctx) => Promise", typeof endpoint);
    if (this.#handlers.has(name)) throw frameworkError("WEGO_ERR_HANDLER_DUPLICATE", name);
    this.#handlers.set(name, endpoint);
  }

  /**
   * The handler `name`, or — when not registered yet (routers are often
   * declared before providers run) — a reference resolved when routes
   * resolve at start, where unknown names fail.
   */
  ref(name: string): Endpoint {
    const found = this.#handlers.get(name);
    if (found) return found;
    const ref = ((ctx) => this.resolve(name).endpoint(ctx)) as HandlerRef;
    ref[kHandlerRef] = name;
    return ref;
  }

  names(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Resolve a route target; unknown names throw WEGO_ERR_HANDLER_UNKNOWN naming the route. */
  resolve(target: string | Endpoint, route?: string): ResolvedHandler {
    if (typeof target === "string" || (target as Partial<HandlerRef>)[kHandlerRef] !== undefined) {
      const name = typeof target === "string" ? target : (target as HandlerRef)[kHandlerRef];
      const endpoint = this.#handlers.get(name);
      if (!endpoint) {
        const known = [...this.#handlers.keys()].join(", ") || "none";
        throw frameworkError("WEGO_ERR_HANDLER_UNKNOWN", route ? `${name}" for route "${route}` : name, known);
      }
      return { name, endpoint };
    }
    if (typeof target !== "function")
      throw frameworkError("WEGO_ERR_NOT_A_FUNCTION", `route target ${route ?? ""}`, "a handler name or an endpoint", typeof target);
    for (const [name, ep] of this.#handlers) if (ep === target) return { name, endpoint: ep };
    return { name: target.name || route || "(inline)", endpoint: target };
  }
}
