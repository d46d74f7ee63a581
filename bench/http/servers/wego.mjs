// wego: router → envelope (filters.response) → a two-service chain, from the built packages.
import { createApp, filters, services } from "@wego/core";
import { createHttpRouter } from "@wego/http";

const app = createApp({ name: "bench", logger: false, production: true, config: { env: {}, argv: [] } });

// Service 1 stands for a check that passes (auth, validation…); service 2 builds the result.
const check = (_ctx, next) => next();
const hello = (ctx) => {
  void ctx.request.name;
  ctx.response("hello", "world");
};
const echo = (ctx) => {
  ctx.result = ctx.request;
};
app.handler("hello", filters.create(services.chain(check, hello)));
app.handler("echo", filters.create(services.chain(check, echo)));

const router = createHttpRouter({ port: Number(process.env.PORT), health: false, ready: false, metrics: false });
router.get("/hello/:name", "hello").post("/echo", "echo");
app.router("http", router);
await app.start();
process.send?.("ready");
