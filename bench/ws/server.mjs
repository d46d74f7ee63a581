// One WebSocket echo server for bench/ws, chosen by SERVER:
//   bare — ws's WebSocketServer sending each message straight back (the anchor);
//   json — the least a JSON request/reply protocol does (parse, route, await, stringify);
//   wego — @wego/ws (built dist) routing frames {id, route:"echo", data} to a
//          handler returning its input, answered with the envelope and the id;
//   wego-sync — the same with the handler as filters.create over a service
//          that finishes synchronously (answered without a microtask hop);
//   bare-slow — bare plus a fixed busy wait per message (SPIN_NS), to calibrate.
// Prints "ready" on stdout once listening on PORT (127.0.0.1).
import { createServer } from "node:http";

// profile.mjs stops the server with SIGTERM and needs a clean exit to get the profile written.
if (process.env.EXIT_ON_SIGTERM) process.on("SIGTERM", () => process.exit(0));

const port = Number(process.env.PORT ?? 18342);
const which = process.env.SERVER ?? "bare";

if (which === "bare") {
  const { WebSocketServer } = await import("ws");
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  server.listen(port, "127.0.0.1", () => console.log("ready"));
} else if (which === "json") {
  // The floor of any JSON request/reply protocol on ws: parse the frame, look
  // the route up, await an async handler, stringify a reply with the id. No
  // context, no envelope, no flow control: what wego adds is measured against this too.
  const { WebSocketServer } = await import("ws");
  const routes = new Map([["echo", async (data) => data]]);
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.on("message", async (data) => {
      const frame = JSON.parse(data.toString());
      const handler = routes.get(frame.route);
      const result = await handler(frame.data);
      ws.send(JSON.stringify({ id: frame.id, code: "ok", data: result }));
    });
  });
  server.listen(port, "127.0.0.1", () => console.log("ready"));
} else if (which === "bare-slow") {
  // Experiment: bare plus a fixed ~SPIN_NS busy wait per message.
  const { WebSocketServer } = await import("ws");
  const spin = Number(process.env.SPIN_NS ?? 1500);
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => {
      const end = process.hrtime.bigint() + BigInt(spin);
      while (process.hrtime.bigint() < end);
      ws.send(data, { binary: isBinary });
    });
  });
  server.listen(port, "127.0.0.1", () => console.log("ready"));
} else if (which === "wego" || which === "wego-sync") {
  const { createApp, filters } = await import("@wego/core");
  const { createWsRouter } = await import("@wego/ws");
  const app = createApp({ name: "bench", logger: false, production: true, config: { env: {}, argv: [] } });
  if (which === "wego") app.handler("echo", async (ctx) => ctx.request);
  // The seed's handler form, filters.New(chain): a service that finishes
  // synchronously is answered in the same turn (no microtask hop).
  else
    app.handler(
      "echo",
      filters.create((ctx) => {
        ctx.result = ctx.request;
      }),
    );
  app.router("ws", createWsRouter({ port, host: "127.0.0.1" }).route("echo", "echo"));
  await app.start();
  console.log("ready");
} else {
  throw new Error(`unknown SERVER ${which}`);
}
