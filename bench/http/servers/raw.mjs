// Raw node:http: the floor every framework is measured against.
import { createServer } from "node:http";

const hello = JSON.stringify({ hello: "world" });
createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/hello/")) {
    const name = req.url.slice(7); // the param is read, then unused
    if (name.length === 0) res.statusCode = 404;
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(hello) });
    res.end(hello);
    return;
  }
  if (req.method === "POST" && req.url === "/echo") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  res.writeHead(404);
  res.end();
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
