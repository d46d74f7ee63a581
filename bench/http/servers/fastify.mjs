// Fastify 5 at its defaults (no logger, no response schema).
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/hello/:name", async (req) => {
  void req.params.name;
  return { hello: "world" };
});
app.post("/echo", async (req) => req.body);
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
process.send?.("ready");
