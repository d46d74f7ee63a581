// The server side of the client tests: typed handlers on one app's HTTP,
// WebSocket and gRPC routers, whose types the clients are checked against.
import { createApp, defineHandler, WegoError } from "@wego/core";
import { createGrpcRouter } from "@wego/grpc";
import { createHttpRouter } from "@wego/http";
import { createWsRouter } from "@wego/ws";
import { z } from "zod";

export const greet = defineHandler({
  name: "greet",
  description: "Says hello.",
  input: z.object({ name: z.string().min(1), excited: z.boolean().optional() }),
  output: z.object({ message: z.string(), length: z.number() }),
  handle: ({ name, excited }) => ({ message: `hello ${name}${excited ? "!" : ""}`, length: name.length }),
});

export const getUser = defineHandler({
  name: "user.get",
  input: z.object({ id: z.string() }),
  output: z.object({ id: z.string(), name: z.string() }),
  handle: ({ id }) => {
    if (id !== "1") throw new WegoError("not_found", `no user ${id}`, { reason: "USER_MISSING" });
    return { id, name: "Ada" };
  },
});

export function httpApi() {
  return createHttpRouter({ port: 0 }).post("/greet", greet).get("/users/:id", getUser).get("/ping", "ping");
}
export function wsApi() {
  return createWsRouter({ port: 0 }).route("greet", greet).route("user.get", getUser);
}
export function grpcApi() {
  return createGrpcRouter({ port: 0 }).route("greet", greet).route("user.get", getUser);
}
export type HttpApi = ReturnType<typeof httpApi>;
export type WsApi = ReturnType<typeof wsApi>;
export type GrpcApi = ReturnType<typeof grpcApi>;

/** An app serving the routers on free ports. */
export async function startServers() {
  const app = createApp({ name: "client-test", logger: false });
  app.handler("ping", async () => "pong");
  const http = httpApi();
  const ws = wsApi();
  const grpc = grpcApi();
  app.router("http", http).router("ws", ws).router("grpc", grpc);
  await app.start();
  return { app, http, ws, grpc };
}
