// One app serves typed handlers over HTTP, WebSocket and gRPC; the same typed
// client API calls each, and a failure arrives as a WegoError with its code.
import { WegoError } from "@wego/core";
import { createGrpcClient } from "@wego/grpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, grpcTransport, httpTransport, type WegoClient, wsTransport } from "./index.js";
import { type GrpcApi, type HttpApi, startServers, type WsApi } from "./test-routers.js";

let servers: Awaited<ReturnType<typeof startServers>>;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(() => servers.app.stop());

/** The rejection of `p`, which must be a WegoError. */
async function failure(p: Promise<unknown>): Promise<WegoError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WegoError);
  return err as WegoError;
}

describe("the typed client over HTTP", () => {
  let client: WegoClient<import("./client.js").RoutesOf<HttpApi> & object>;
  beforeAll(() => {
    client = createClient<HttpApi>(httpTransport({ baseUrl: `http://127.0.0.1:${servers.http.port}` }));
  });
  afterAll(() => client.close());

  it("posts the input as JSON and resolves the handler's output", async () => {
    expect(await client.call("POST /greet", { name: "Ada", excited: true })).toEqual({ message: "hello Ada!", length: 3 });
  });

  it("fills path parameters from the input", async () => {
    expect(await client.call("GET /users/:id", { id: "1" })).toEqual({ id: "1", name: "Ada" });
  });

  it("rejects a WegoError with the server's code, reason and field issues", async () => {
    const missing = await failure(client.call("GET /users/:id", { id: "2" }));
    expect([missing.code, missing.reason, missing.rawMessage]).toEqual(["not_found", "USER_MISSING", "no user 2"]);
    const bad = await failure(client.call("POST /greet", { name: "" }));
    expect(bad.code).toBe("invalid_argument");
    expect(JSON.stringify(bad.details)).toContain("name");
  });

  it("calls a route to a registered name", async () => {
    expect(await client.call("GET /ping")).toBe("pong");
  });

  it("is unavailable when nothing listens", async () => {
    const dead = createClient<HttpApi>(httpTransport({ baseUrl: "http://127.0.0.1:1" }));
    expect((await failure(dead.call("GET /ping"))).code).toBe("unavailable");
  });
});

describe("the typed client over WebSocket", () => {
  let client: WegoClient<import("./client.js").RoutesOf<WsApi> & object>;
  beforeAll(() => {
    client = createClient<WsApi>(wsTransport({ url: `ws://127.0.0.1:${servers.ws.port}/ws` }));
  });
  afterAll(() => client.close());

  it("answers calls in flight at once on one connection, each by its id", async () => {
    const [a, b] = await Promise.all([client.call("greet", { name: "Ada" }), client.call("user.get", { id: "1" })]);
    expect(a).toEqual({ message: "hello Ada", length: 3 });
    expect(b).toEqual({ id: "1", name: "Ada" });
  });

  it("rejects a WegoError with the server's code and reason", async () => {
    const err = await failure(client.call("user.get", { id: "9" }));
    expect([err.code, err.reason]).toEqual(["not_found", "USER_MISSING"]);
    expect((await failure(client.call("greet", { name: "" }))).code).toBe("invalid_argument");
  });

  it("reconnects after close", async () => {
    await client.close();
    expect(await client.call("user.get", { id: "1" })).toEqual({ id: "1", name: "Ada" });
  });
});

describe("the typed client over the generic gRPC service", () => {
  let client: WegoClient<import("./client.js").RoutesOf<GrpcApi> & object>;
  beforeAll(() => {
    client = createClient<GrpcApi>(grpcTransport(createGrpcClient({ baseUrl: `http://127.0.0.1:${servers.grpc.port}` })));
  });
  afterAll(() => client.close());

  it("resolves the handler's output", async () => {
    expect(await client.call("greet", { name: "Ada" })).toEqual({ message: "hello Ada", length: 3 });
  });

  it("rejects a WegoError with the server's code and reason", async () => {
    const err = await failure(client.call("user.get", { id: "9" }));
    expect([err.code, err.reason]).toEqual(["not_found", "USER_MISSING"]);
  });
});
