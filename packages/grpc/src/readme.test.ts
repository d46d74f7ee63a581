// The README's first example, run as written but on a free port, quietly, with this
// repository's generated echo service, and stopped at the end; then its curl line.
import { join } from "node:path";
import { expect, it } from "vitest";
import { runReadmeBlock } from "../../../test/support/readme.ts";

it("runs the README example and its curl line", async () => {
  const here = import.meta.dirname;
  const logged = await runReadmeBlock(join(here, "../README.md"), {
    edit: (code) =>
      `${code
        .replace('from "./gen/echo_pb.js"', `from ${JSON.stringify(join(here, "gen/wego/testing/v1/echo_pb.js"))}`)
        .replace('createApp({ name: "orders", handleSignals: true })', 'createApp({ name: "orders", logger: false })')
        .replace("createGrpcRouter();", "createGrpcRouter({ port: 0 });")
        .replace('baseUrl: "http://127.0.0.1:9341"', 'baseUrl: "http://127.0.0.1:" + grpc.port')}
        globalThis.readmeGrpc = { app, orders, port: grpc.port };`,
  });
  expect(logged).toEqual([[{ greeting: "hello Ada" }], [{ two: { a: 1 } }], ["invalid_argument"]]);
  const { app, orders, port } = (
    globalThis as unknown as { readmeGrpc: { app: { stop(): Promise<void> }; orders: { close(): void }; port: number } }
  ).readmeGrpc;
  try {
    // The curl line of the README: the Connect protocol over HTTP/1.1 with JSON.
    const res = await fetch(`http://127.0.0.1:${port}/wego.v1.WegoService/Handle`, {
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
