// The README's first example, run as written (on port 0, quiet): a typed handler, the seed's route "Two", a typed method, and the client.
import { type Context, createApp, defineHandler, filters, services, WegoError } from "@wego/core";
import { expect, it } from "vitest";
import { z } from "zod";
import { EchoService } from "./gen/wego/testing/v1/echo_pb.js";
import { createGrpcClient } from "./grpc-client.js";
import { createGrpcRouter } from "./grpc-router.js";

it("runs the README example", async () => {
  const app = createApp({ name: "orders", logger: false, config: { env: {}, argv: [] } });

  const greet = defineHandler({
    name: "greet",
    input: z.object({ name: z.string().min(1), times: z.number().int().positive().default(1) }),
    handle: ({ name, times }) => ({ greeting: `hello ${name}`.repeat(times) }),
  });
  app.handler(greet);

  app.handler("two", filters.create(services.chain((ctx: Context) => void ctx.response("two", ctx.request))));
  app.handler("echo", async (ctx) => {
    const req = ctx.request as { msg: string; n: number };
    return { msg: req.msg, n: req.n + 1 };
  });

  const grpc = createGrpcRouter({ port: 0 });
  grpc.route("Greet", greet);
  grpc.route("Two", "two");
  grpc.service(EchoService, { echo: "echo" });
  app.router("grpc", grpc);
  await app.start();

  const orders = createGrpcClient({ baseUrl: `http://127.0.0.1:${grpc.port}` });
  try {
    expect(await orders.call("Greet", { name: "Ada" })).toEqual({ greeting: "hello Ada" });
    expect(await orders.call("Two", { a: 1 })).toEqual({ two: { a: 1 } });
    const refused = await orders.call("Greet", { name: "" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WegoError);
    expect((refused as WegoError).code).toBe("invalid_argument");
    // The curl line of the README: the Connect protocol over HTTP/1.1 with JSON.
    const res = await fetch(`http://127.0.0.1:${grpc.port}/wego.v1.WegoService/Handle`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ route: "Two", payload: '{"a":1}' }),
    });
    const body = (await res.json()) as { code: string; envelope: string };
    expect(body.code).toBe("ok");
    expect(JSON.parse(body.envelope)).toMatchObject({ code: "ok", message: "ok", data: { two: { a: 1 } } });
  } finally {
    orders.close();
    await app.stop();
  }
});
