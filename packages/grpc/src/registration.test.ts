import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createApp } from "@wego/core";
import { describe, expect, it } from "vitest";
import { fromConnectError } from "./code-map.js";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { WegoService } from "./gen/wego/v1/wego_pb.js";
import { createGrpcRouter } from "./grpc-router.js";

const quietApp = (env: Record<string, string> = {}) => createApp({ logger: false, config: { env, argv: [] } });

describe("registration", () => {
  it("refuses a route registered twice", () => {
    const router = createGrpcRouter().route("two", "two");
    expect(() => router.route("two", "other")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
  });

  it("refuses routes and services registered after start", async () => {
    const app = quietApp();
    app.handler("echo", async () => 1);
    const router = createGrpcRouter({ port: 0 }).route("echo", "echo");
    app.router("grpc", router);
    await app.start();
    try {
      expect(() => router.route("late", "echo")).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_LATE" }));
      expect(() => router.service(EchoService, { echo: "echo" })).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_LATE" }));
      expect(router.routes()).toEqual([{ route: "echo", handler: "echo" }]);
    } finally {
      await app.stop();
    }
  });

  it("refuses an unknown method, naming the methods there are", () => {
    expect(() => createGrpcRouter().service(EchoService, { shout: "x" })).toThrow(/has no method "shout" \(methods: echo, count\)/);
  });

  it("refuses a streaming method: only unary methods map to handlers", () => {
    expect(() => createGrpcRouter().service(EchoService, { count: "x" })).toThrow(
      expect.objectContaining({ reason: "WEGO_ERR_GRPC_METHOD_KIND" }),
    );
  });

  it("refuses a method mapped twice, and the built-in services", () => {
    const router = createGrpcRouter().service(EchoService, { Echo: "x" });
    expect(() => router.service(EchoService, { echo: "y" })).toThrow(expect.objectContaining({ reason: "WEGO_ERR_ROUTE_DUPLICATE" }));
    expect(() => router.service(WegoService, { handle: "y" })).toThrow(
      expect.objectContaining({ reason: "WEGO_ERR_GRPC_SERVICE_RESERVED" }),
    );
  });

  it("lists its routes: generic route names and typed method paths", () => {
    const router = createGrpcRouter().route("two", "twoHandler").service(EchoService, { echo: "echoHandler" });
    expect(router.routes()).toEqual([
      { route: "two", handler: "twoHandler" },
      { route: "/wego.testing.v1.EchoService/Echo", handler: "echoHandler" },
    ]);
  });

  it("fails the start when a typed method names an unknown handler", async () => {
    const app = quietApp();
    app.router("grpc", createGrpcRouter({ port: 0, host: "127.0.0.1" }).service(EchoService, { echo: "missing" }));
    await expect(app.start()).rejects.toThrow(/missing.*\/wego.testing.v1.EchoService\/Echo/);
    expect(app.state).toBe("stopped");
  });

  it("fails the start when TLS config has a key and no certificate", async () => {
    const app = quietApp({ WEGO_GRPC_TLS_KEY: "/nonexistent/key.pem" });
    app.router("grpc", createGrpcRouter({ port: 0, host: "127.0.0.1" }));
    await expect(app.start()).rejects.toThrow(/TLS needs both a key and a certificate/);
  });
});

describe("config", () => {
  it("takes port, host and message limits from config when options leave them out", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const app = quietApp({ WEGO_GRPC_PORT: String(port), WEGO_GRPC_HOST: "127.0.0.1", WEGO_GRPC_READ_MAX_BYTES: "100" });
    app.handler("echo", async (ctx) => ctx.request);
    const router = createGrpcRouter().service(EchoService, { echo: "echo" });
    app.router("grpc", router);
    await app.start();
    try {
      expect(router.port).toBe(port);
      const echo = createClient(EchoService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
      expect((await echo.echo({ msg: "ok" })).msg).toBe("ok");
      const err = await echo.echo({ blob: new Uint8Array(200) }).catch((e: unknown) => fromConnectError(e));
      expect(err).toMatchObject({ code: "resource_exhausted" });
    } finally {
      await app.stop();
    }
  });
});
