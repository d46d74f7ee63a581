// One typed handler, one app, all seven transports at once: what a caller
// sends is validated by the same dispatch everywhere, so the same invalid
// input is refused with the same code and the same field issues whatever
// the wire — HTTP, gRPC (the generic service), WebSocket, a queue job, a
// CLI command, and a cron or timer route run now.
import { randomBytes } from "node:crypto";
import { createCliRouter } from "@wego/cli";
import { type App, createApp, defineHandler } from "@wego/core";
import { createCronRouter } from "@wego/cron";
import { createGrpcClient, createGrpcRouter, type GrpcRouter } from "@wego/grpc";
import { createHttpRouter, type HttpRouter } from "@wego/http";
import { createQueueProducer, createQueueRouter } from "@wego/redis-queue";
import { createTimerRouter } from "@wego/timer";
import { createWsRouter, type WsRouter } from "@wego/ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { z } from "zod";

const greet = defineHandler({
  name: "greet",
  description: "Greets someone, a number of times.",
  input: z.object({ name: z.string().min(1), times: z.number().int().positive().default(1) }),
  output: z.object({ greeting: z.string() }),
  handle: ({ name, times }) => ({ greeting: `hello ${name}`.repeat(times) }),
});

/** What every transport's client reports, in wego's terms. */
interface Outcome {
  code: string;
  data?: unknown;
  fields?: string[];
}

const redisUrl = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `wego-test-pipeline-${randomBytes(4).toString("hex")}`;
const queueRouter = createQueueRouter({ connection: redisUrl, queue: "pipeline", prefix }).route("greet", greet);
const producer = createQueueProducer<typeof queueRouter>({ connection: redisUrl, queue: "pipeline", prefix });
const http: HttpRouter = createHttpRouter({ port: 0 }).post("/greet", greet);
const grpc: GrpcRouter = createGrpcRouter({ port: 0 }).route("greet", greet);
const ws: WsRouter = createWsRouter({ port: 0 }).route("greet", greet);
const cli = createCliRouter({ autorun: false, stdin: null }).route("greet", greet);
const cron = createCronRouter().route("0 0 0 1 1 *", greet, { name: "greet", input: { name: "cron" } });
const timer = createTimerRouter().route("greet", "1h", greet, { input: { name: "timer" } });
let app: App;
let socket: WebSocket;

const fieldsOf = (details: unknown): string[] | undefined =>
  Array.isArray(details) ? details.map((d: { field: string }) => d.field).sort() : undefined;

const clients: Record<string, (input: unknown) => Promise<Outcome>> = {
  async http(input) {
    const res = await fetch(`http://127.0.0.1:${http.port}/greet`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { code: string; data: unknown; details?: unknown };
    return { code: body.code, data: body.data, fields: fieldsOf(body.details) };
  },
  async grpc(input) {
    const client = createGrpcClient({ baseUrl: `http://127.0.0.1:${grpc.port}`, retries: 0 });
    try {
      return { code: "ok", data: await client.call("greet", input) };
    } catch (err) {
      const e = err as { code: string; details?: unknown };
      return { code: e.code, fields: fieldsOf(e.details) };
    }
  },
  async ws(input) {
    const id = Math.random();
    const reply = await new Promise<{ code: string; data: unknown; details?: unknown }>((resolve) => {
      const onMessage = (m: Buffer): void => {
        const frame = JSON.parse(String(m));
        if (frame.id !== id) return;
        socket.off("message", onMessage);
        resolve(frame);
      };
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ id, route: "greet", data: input }));
    });
    return { code: reply.code, data: reply.data, fields: fieldsOf(reply.details) };
  },
  async queue(input) {
    try {
      return { code: "ok", data: await producer.pushAndWait("greet", input as never, { attempts: 1 }) };
    } catch (err) {
      const e = err as { code: string; details?: unknown };
      return { code: e.code, fields: fieldsOf(e.details) };
    }
  },
  async cli(input) {
    let out = "";
    await cli.exec(["run", "greet", JSON.stringify(input)], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
    });
    const body = JSON.parse(out) as { code: string; data: unknown; details?: unknown };
    return { code: body.code, data: body.data, fields: fieldsOf(body.details) };
  },
  async cron(input) {
    const o = await cron.runNow("greet", { input: input as never });
    return o.error === undefined ? { code: "ok", data: o.result } : { code: o.error.code, fields: fieldsOf(o.error.details) };
  },
  async timer(input) {
    const o = await timer.runNow("greet", { input: input as never });
    return o.error === undefined ? { code: "ok", data: o.result } : { code: o.error.code, fields: fieldsOf(o.error.details) };
  },
};

beforeAll(async () => {
  app = createApp({ name: "pipeline", logger: false, production: true, config: { env: {}, argv: [] } });
  app.router("http", http).router("grpc", grpc).router("ws", ws).router("queue", queueRouter);
  app.router("command", cli).router("cron", cron).router("timer", timer);
  await app.start();
  socket = new WebSocket(`ws://127.0.0.1:${ws.port}/ws`);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
});

afterAll(async () => {
  socket?.close();
  await app?.stop({ timeout: 2000 });
  await producer.queue.obliterate({ force: true }).catch(() => {});
  await producer.close();
});

describe("one typed handler on seven transports", () => {
  it("answers valid input the same everywhere, with the schema's default applied", async () => {
    for (const [name, call] of Object.entries(clients)) {
      const outcome = await call({ name: "Ada" });
      expect(outcome, name).toMatchObject({ code: "ok", data: { greeting: "hello Ada" } });
    }
  });

  const invalid: Array<[string, unknown, string[]]> = [
    ["a missing field", { times: 2 }, ["name"]],
    ["a wrong type", { name: "Ada", times: "twice" }, ["times"]],
    ["two bad fields", { name: "", times: 0 }, ["name", "times"]],
  ];
  for (const [label, input, fields] of invalid) {
    it(`refuses ${label} with invalid_argument naming the same fields everywhere`, async () => {
      const outcomes = Object.fromEntries(await Promise.all(Object.entries(clients).map(async ([n, call]) => [n, await call(input)])));
      for (const [name, outcome] of Object.entries(outcomes) as Array<[string, Outcome]>) {
        expect(outcome.code, name).toBe("invalid_argument");
        // Every transport whose wire carries an error's details shows the same fields.
        if (outcome.fields !== undefined) expect(outcome.fields, name).toEqual(fields);
      }
      // The wires with an envelope all carry them.
      for (const name of ["http", "ws", "cli", "cron", "timer"]) expect((outcomes[name] as Outcome).fields, name).toEqual(fields);
    });
  }

  it("refuses a __proto__ key with invalid_argument everywhere", async () => {
    const input = JSON.parse('{"name":"Ada","__proto__":{"admin":true}}');
    for (const [name, call] of Object.entries(clients)) expect((await call(input)).code, name).toBe("invalid_argument");
  });
});
