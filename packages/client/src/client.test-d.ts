import { describe, expectTypeOf, it } from "vitest";
import { createClient, httpTransport, type RoutesOf, wsTransport } from "./index.js";
import type { GrpcApi, greet, HttpApi, WsApi } from "./test-routers.js";

const http = createClient<HttpApi>(httpTransport({ baseUrl: "http://127.0.0.1:1" }));
const ws = createClient<WsApi>(wsTransport({ url: "ws://127.0.0.1:1/ws" }));
const grpc = createClient<GrpcApi>(httpTransport({ baseUrl: "http://127.0.0.1:1" }));

describe("a typed client", () => {
  it("resolves the handler's output type", () => {
    expectTypeOf(http.call("POST /greet", { name: "Ada" })).resolves.toEqualTypeOf<{ message: string; length: number }>();
    expectTypeOf(http.call("GET /users/:id", { id: "1" })).resolves.toEqualTypeOf<{ id: string; name: string }>();
    expectTypeOf(ws.call("greet", { name: "Ada", excited: true })).resolves.toEqualTypeOf<{ message: string; length: number }>();
    expectTypeOf(grpc.call("user.get", { id: "1" })).resolves.toEqualTypeOf<{ id: string; name: string }>();
  });

  it("takes only the router's routes", () => {
    expectTypeOf<keyof RoutesOf<HttpApi>>().toEqualTypeOf<"POST /greet" | "GET /users/:id" | "GET /ping">();
    // @ts-expect-error: no such route
    void http.call("POST /nope", { name: "Ada" });
    // @ts-expect-error: an HTTP route is "METHOD /path"
    void http.call("greet", { name: "Ada" });
  });

  it("checks the input against the handler's schema", () => {
    // @ts-expect-error: a wrong input field (nam for name)
    void http.call("POST /greet", { nam: "Ada" });
    // @ts-expect-error: a field of the wrong type
    void ws.call("greet", { name: 42 });
    // @ts-expect-error: the input is required
    void grpc.call("user.get");
    // A route to a registered name is untyped: any input, unknown output.
    expectTypeOf(http.call("GET /ping")).resolves.toBeUnknown();
  });

  it("reads the route map of a router type, or a map", () => {
    expectTypeOf<keyof RoutesOf<WsApi>>().toEqualTypeOf<"greet" | "user.get">();
    expectTypeOf<RoutesOf<{ greet: typeof greet }>>().toEqualTypeOf<{ greet: typeof greet }>();
  });
});
