// @wego/client against the built example: one typed client API, typed by the
// example's own routers (their return types), over HTTP, WebSocket and the
// generic gRPC service; a bad input arrives as a WegoError with its code.
import { createClient, grpcTransport, httpTransport, wsTransport } from "@wego/client";
import { WegoError } from "@wego/core";
import { createGrpcClient } from "@wego/grpc";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { grpcRouter } from "../src/routers/grpc-router.js";
import type { httpRouter } from "../src/routers/http-router.js";
import type { websocketRouter } from "../src/routers/websocket-router.js";
import { childEnv, type ExamProcess, startExam } from "./exam-process.js";

type Greeting = { greeting: string; requestId: string };

let exam: ExamProcess;
let where: { http: string; grpc: string; websocket: string };
beforeAll(async () => {
  const started = await startExam(
    ["--server", "http,websocket,grpc", "--http.port", "0", "--ws.port", "0", "--grpc.port", "0"],
    childEnv({}),
  );
  exam = started.exam;
  where = started.listening as unknown as typeof where;
});
afterAll(async () => {
  exam?.kill("SIGTERM");
  await exam?.exited;
});

/** The call's rejection, which must be a WegoError. */
async function failure(p: Promise<unknown>): Promise<WegoError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WegoError);
  return err as WegoError;
}

describe("a typed client of the example", () => {
  it("over HTTP: greet's output type, a refusal as WegoError, an untyped route", async () => {
    const client = createClient<ReturnType<typeof httpRouter>>(httpTransport({ baseUrl: where.http }));
    const answer = await client.call("POST /exam/greet", { name: "wego", lang: "zh" });
    expectTypeOf(answer).toEqualTypeOf<Greeting>();
    expect(answer.greeting).toBe("你好, wego");
    expect((await failure(client.call("POST /exam/greet", { name: "" }))).code).toBe("invalid_argument");
    expect(await client.call("GET /exam/two")).toMatchObject({ two: { from: "TwoService" } });
    // Compile-time only: a misspelt field, a route the example doesn't have.
    const wrong = () => {
      // @ts-expect-error: 'nam' is not a field of greet's input
      void client.call("POST /exam/greet", { nam: "wego" });
      // @ts-expect-error: no such route
      void client.call("POST /exam/nope");
    };
    expect(typeof wrong).toBe("function");
    await client.close();
  });

  it("over WebSocket", async () => {
    const client = createClient<ReturnType<typeof websocketRouter>>(wsTransport({ url: where.websocket }));
    expect((await client.call("greet", { name: "wego" })).greeting).toBe("hello, wego");
    expect((await failure(client.call("greet", { name: "" }))).code).toBe("invalid_argument");
    await client.close();
  });

  it("over the generic gRPC service", async () => {
    const client = createClient<ReturnType<typeof grpcRouter>>(grpcTransport(createGrpcClient({ baseUrl: `http://${where.grpc}` })));
    expect((await client.call("Greet", { name: "wego", lang: "en" })).greeting).toBe("hello, wego");
    expect((await failure(client.call("Greet", { name: "" }))).code).toBe("invalid_argument");
    await client.close();
  });
});
