// Express 5 at its defaults (X-Powered-By and ETag kept).
import express from "express";

const app = express();
app.use(express.json());
app.get("/hello/:name", (req, res) => {
  void req.params.name;
  res.json({ hello: "world" });
});
app.post("/echo", (req, res) => res.json(req.body));
app.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
