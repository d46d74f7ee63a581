import type { InputOf, OutputOf } from "@wego/core";

/**
 * The route map of a router type — `typeof router` of `@wego/http`,
 * `@wego/ws` or `@wego/grpc` (their `"~routes"`) — or a map itself
 * (`{ greet: typeof greet }`).
 */
export type RoutesOf<T> = T extends { readonly "~routes"?: infer R } ? (unknown extends R ? T : NonNullable<R>) : T;

/** Options of one call. */
export interface CallOptions {
  /** Give up (the call rejects `deadline_exceeded` on HTTP/WebSocket) after this many ms; the server gets it as the deadline. */
  timeoutMs?: number;
  /** Abandon the call. */
  signal?: AbortSignal;
  /** Request id to send (`ctx.id` on the server). */
  requestId?: string;
  /** Metadata / headers to send (e.g. `{ authorization: "Bearer …" }`). */
  meta?: Readonly<Record<string, string>>;
}

/** How calls reach a server: {@link httpTransport}, {@link wsTransport} or {@link grpcTransport}. */
export interface ClientTransport {
  /** Send `input` to `route`; resolve the answer's data, reject a `WegoError` with the server's code. */
  call(route: string, input: unknown, options: CallOptions): Promise<unknown>;
  /** Release connections. */
  close?(): void | Promise<void>;
}

/** A route's input is optional where it may be undefined (routes to a name or an untyped endpoint). */
export type CallArgs<T> =
  undefined extends InputOf<T> ? [input?: InputOf<T>, options?: CallOptions] : [input: InputOf<T>, options?: CallOptions];

/**
 * A client of one wego app, typed by its router: `call(route, input)` takes
 * only the router's routes and each route's handler input, and resolves the
 * handler's output.
 */
export interface WegoClient<R extends object> {
  /** Call `route` with `input`: resolves the handler's output, rejects a `WegoError` with its code. */
  call<K extends keyof R & string>(route: K, ...args: CallArgs<R[K]>): Promise<OutputOf<R[K]>>;
  /** Close the transport's connections. */
  close(): Promise<void>;
}

/**
 * Create a typed client over `transport`, typed by the server's router
 * (`typeof router`), no code generation: a route that doesn't exist, a
 * missing or misspelt input field, are compile errors; the result has the
 * handler's output type.
 *
 * @example
 * import type { api } from "./server.js"; // createHttpRouter().post("/greet", greet)
 * const client = createClient<typeof api>(httpTransport({ baseUrl: "http://127.0.0.1:8080" }));
 * const { message } = await client.call("POST /greet", { name: "Ada" });
 */
export function createClient<T>(transport: ClientTransport): WegoClient<RoutesOf<T> & object> {
  return {
    call(route, ...args) {
      const [input, options = {}] = args as [unknown, CallOptions?];
      return transport.call(route, input, options) as Promise<never>;
    },
    async close() {
      await transport.close?.();
    },
  };
}
