// One server of the gRPC bench, on 127.0.0.1 and a free port; prints
// "ready <port>" when listening. Run pinned: taskset -c 0 node server.ts <kind>
//   wego          @wego/grpc router, EchoService/Echo mapped to a handler
//   connect-node  a bare connect-node handler (http2.createServer + connectNodeAdapter)
//   grpc-js       a @grpc/grpc-js server (what NestJS's gRPC transport runs on)
// The wego server also serves the generic wego.v1 route "echo" (JSON payload).
import http2 from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { createApp } from "@wego/core";
import { createGrpcRouter } from "@wego/grpc";
import { codec, EchoService, echoPath } from "./echo.ts";

const kind = process.argv[2];
// Exit (not die) on SIGTERM, so `node --cpu-prof server.ts …` writes its profile.
process.on("SIGTERM", () => process.exit(0));

if (kind === "wego") {
  const app = createApp({ name: "bench", logger: false, production: true, config: { env: {}, argv: [] } });
  app.handler("echo", async (ctx) => {
    const req = ctx.request as { msg: string; n: number };
    return { msg: req.msg, n: req.n + 1 };
  });
  const router = createGrpcRouter({ port: 0, host: "127.0.0.1", health: false });
  router.service(EchoService, { echo: "echo" });
  router.route("echo", "echo");
  app.router("grpc", router);
  await app.start();
  console.log(`ready ${router.port}`);
} else if (kind === "connect-node") {
  const server = http2.createServer(
    connectNodeAdapter({
      routes: (r) => r.service(EchoService, { echo: (req) => ({ msg: req.msg, n: req.n + 1 }) }),
    }),
  );
  server.listen(0, "127.0.0.1", () => console.log(`ready ${(server.address() as { port: number }).port}`));
} else if (kind === "grpc-js") {
  const server = new grpc.Server();
  server.addService(
    {
      echo: {
        path: echoPath,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => codec.decodeEchoRequest(b),
        responseSerialize: (r: { msg: string; n: number }) => codec.encodeEchoResponse(r.msg, r.n),
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      echo: (call: grpc.ServerUnaryCall<{ msg: string; n: number }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { msg: call.request.msg, n: call.request.n + 1 }),
    },
  );
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    console.log(`ready ${port}`);
  });
} else {
  console.error(`unknown server kind ${kind}`);
  process.exit(2);
}
