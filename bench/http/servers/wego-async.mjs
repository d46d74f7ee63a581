// wego as bench/http/servers/wego.mjs, with the two services written `async`
// (as most real services are: they await a database or another service).
// Each async service costs a promise and a microtask hop per request.
import { createApp, filters, services } from "@wego/core";
import { createHttpRouter } from "@wego/http";

const app = createApp({ name: "bench", logger: false, production: true, config: { env: {}, argv: [] } });

const check = async (_ctx, next) => {
  await next();
};
const hello = async (ctx) => {
  void ctx.request.name;
  ctx.response("hello", "world");
};
const echo = async (ctx) => {
  ctx.result = ctx.request;
};
app.handler("hello", filters.create(services.chain(check, hello)));
app.handler("echo", filters.create(services.chain(check, echo)));

const router = createHttpRouter({ port: Number(process.env.PORT), health: false, ready: false, metrics: false });
router.get("/hello/:name", "hello").post("/echo", "echo");
app.router("http", router);
await app.start();
process.send?.("ready");
