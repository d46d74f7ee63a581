// The example app end to end, with Redis and MySQL: the built dist/main.js as
// a child process, driven over every transport by a real client of that
// transport, then stopped with SIGTERM.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { childEnv, type ExamProcess, type LogLine, runCommand, startExam } from "./exam-process.js";

const redisUrl = process.env.WEGO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const mysqlUrl = process.env.WEGO_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const seedUserId = "1189164474851006208";

const suffix = randomBytes(4).toString("hex");
const database = `exam_e2e_${suffix}`;
const redisPrefix = `exam-e2e-${suffix}:`;
const queuePrefix = `exam-e2e-${suffix}`;
const env = childEnv({
  WEGO_REDIS_URL: redisUrl,
  WEGO_MYSQL_URL: `${mysqlUrl}/${database}`,
  WEGO_REDIS_KEY_PREFIX: redisPrefix,
  WEGO_QUEUE_PREFIX: queuePrefix,
  WEGO_EXAM_HEARTBEAT: "1s",
  WEGO_EXAM_MIGRATE: "true", // the server applies them at start (off by default)
});
const ports = ["--http.port", "0", "--grpc.port", "0", "--ws.port", "0"];

interface Envelope<T = Record<string, unknown>> {
  code: string;
  message: string;
  data: T;
  requestId: string;
}

let exam: ExamProcess;
let httpUrl: string;
let grpcTarget: string;
let wsUrl: string;
let queue: Queue;

/** A @grpc/grpc-js client of the generic service, built from the .proto @wego/grpc ships. */
function grpcClient(): { client: grpc.Client; call: (req: object) => Promise<{ code: string; envelope: string }> } {
  const protoDir = join(import.meta.dirname, "..", "node_modules", "@wego", "grpc", "proto");
  const def = protoLoader.loadSync("wego/v1/wego.proto", { includeDirs: [protoDir] });
  type Reply = { code: string; envelope: string };
  type WegoClient = grpc.Client & { Handle(req: object, cb: (err: grpc.ServiceError | null, res: Reply) => void): void };
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    wego: { v1: { WegoService: new (target: string, creds: grpc.ChannelCredentials) => WegoClient } };
  };
  const client = new pkg.wego.v1.WegoService(grpcTarget, grpc.credentials.createInsecure());
  const call = (req: object) =>
    new Promise<Reply>((resolve, reject) => client.Handle(req, (err, res) => (err ? reject(err) : resolve(res))));
  return { client, call };
}

async function http<T = Record<string, unknown>>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await request(`${httpUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Envelope<T> };
}

/** GET /metrics; the value of one series, found by name and (a subset of) its labels. */
async function scrape(): Promise<(name: string, labels?: Record<string, string>) => number | undefined> {
  const res = await request(`${httpUrl}/metrics`);
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.body.text();
  return (name, labels = {}) => {
    for (const line of text.split("\n")) {
      const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (m?.[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
    }
    return undefined;
  };
}

beforeAll(async () => {
  const db = await createConnection(mysqlUrl);
  await db.query(`create database \`${database}\``);
  await db.end();
  queue = new Queue("exam", { connection: { url: redisUrl }, prefix: queuePrefix });
  const started = await startExam(ports, env);
  exam = started.exam;
  httpUrl = started.listening.http as string;
  grpcTarget = started.listening.grpc as string;
  wsUrl = started.listening.websocket as string;
});

afterAll(async () => {
  if (exam?.running) {
    exam.kill("SIGKILL");
    await exam.exited;
  }
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  const db = await createConnection(mysqlUrl);
  await db.query(`drop database if exists \`${database}\``);
  await db.end();
  const redis = new Redis(redisUrl);
  for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe("the example app, built, over every transport", () => {
  it("starts with Redis and MySQL on, migrations applied, on the ports it reports", () => {
    expect(exam.lines.find((l) => l.msg === "Redis at 127.0.0.1:6379: on")).toBeDefined();
    expect(exam.lines.find((l) => l.msg === "MySQL at 127.0.0.1:3306: on")).toBeDefined();
    expect(exam.lines.find((l) => l.msg === "migrations applied")?.applied).toEqual([
      "Migration20191030000000_create_user",
      "Migration20191030000001_seed_user",
    ]);
    expect(exam.lines.find((l) => l.msg === "exam started")?.servers).toEqual(["grpc", "http", "queue", "websocket", "timer", "cron"]);
    expect(httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(httpUrl).not.toBe("http://127.0.0.1:8341");
  });

  it("HTTP: GET /exam/one runs One → Two behind the limit filter, and the cache keeps the seed's map", async () => {
    const first = await http<{ one: { from: string; cache: { hit: boolean; value: unknown } }; two: { from: string; id: string } }>(
      "GET",
      "/exam/one?x=1",
    );
    expect(first.status).toBe(200);
    expect(first.body.code).toBe("ok");
    expect(first.body.data.one.from).toBe("OneService");
    expect(first.body.data.one.cache.value).toEqual({ aaa: "bbb", ccc: "ddd" });
    expect(first.body.data.two.from).toBe("TwoService");
    expect(first.body.data.two.id).toMatch(/^\d{15,20}$/);
    const second = await http<{ one: { cache: { hit: boolean } } }>("GET", "/exam/one");
    expect(second.body.data.one.cache.hit).toBe(true);
  });

  it("HTTP: GET /exam/two answers a fresh snowflake id each time", async () => {
    const a = await http<{ two: { transport: string; id: string } }>("GET", "/exam/two");
    const b = await http<{ two: { transport: string; id: string } }>("GET", "/exam/two");
    expect(a.status).toBe(200);
    expect(a.body.data.two.transport).toBe("http");
    expect(BigInt(b.body.data.two.id)).toBeGreaterThan(BigInt(a.body.data.two.id));
  });

  it("HTTP: POST /exam/auth needs a token; POST /exam/login gives one", async () => {
    const refused = await http("POST", "/exam/auth", {});
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("unauthenticated");

    const login = await http<{ token: string; tokenType: string }>("POST", "/exam/login", { name: "ann" });
    expect(login.status).toBe(200);
    expect(login.body.data.tokenType).toBe("Bearer");
    const ok = await http<{ auth: { user: string; name: string } }>(
      "POST",
      "/exam/auth",
      { hello: 1 },
      { authorization: `Bearer ${login.body.data.token}` },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.data.auth.name).toBe("ann");
    expect(ok.body.data.auth.user).toMatch(/^\d+$/);

    const forged = `${login.body.data.token.slice(0, -4)}AAAA`;
    expect((await http("POST", "/exam/auth", {}, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it("the typed handler greet: served as a value on HTTP, gRPC, WebSocket and the CLI, refusing bad input the same way", async () => {
    const ok = await http<{ greeting: string }>("POST", "/exam/greet", { name: "wego", lang: "zh" });
    expect(ok).toMatchObject({ status: 200, body: { code: "ok", data: { greeting: "你好, wego" } } });
    const bad = await http("POST", "/exam/greet", { name: "", lang: "fr" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_argument", reason: "WEGO_ERR_INPUT_INVALID" });
    expect(((bad.body as unknown as { details: Array<{ field: string }> }).details ?? []).map((d) => d.field).sort()).toEqual([
      "lang",
      "name",
    ]);

    const cli = await runCommand(["run", "exam.greet", "--name", "shell"], env);
    expect(cli.code).toBe(0);
    expect((JSON.parse(cli.stdout) as Envelope<{ greeting: string }>).data.greeting).toBe("hello, shell");
    const cliBad = await runCommand(["run", "exam.greet"], env);
    expect(cliBad.code).toBe(2); // invalid_argument
    expect((JSON.parse(cliBad.stdout) as Envelope).code).toBe("invalid_argument");

    const sock = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => sock.once("open", () => resolve()).once("error", reject));
    const frame = (id: string, data: unknown) =>
      new Promise<Envelope & { id: string }>((resolve) => {
        const on = (raw: unknown): void => {
          const msg = JSON.parse(String(raw)) as Envelope & { id: string };
          if (msg.id !== id) return;
          sock.off("message", on);
          resolve(msg);
        };
        sock.on("message", on);
        sock.send(JSON.stringify({ id, route: "greet", data }));
      });
    expect(await frame("g1", { name: "socket" })).toMatchObject({ code: "ok", data: { greeting: "hello, socket" } });
    expect(await frame("g2", { name: 7 })).toMatchObject({ code: "invalid_argument" });
    sock.close();

    const { client, call } = grpcClient();
    try {
      const res = await call({ route: "Greet", payload: JSON.stringify({ name: "rpc" }) });
      expect(JSON.parse(res.envelope)).toMatchObject({ code: "ok", data: { greeting: "hello, rpc" } });
      const refused = await call({ route: "Greet", payload: "{}" });
      expect(refused.code).toBe("invalid_argument");
    } finally {
      client.close();
    }
  });

  it("HTTP: /metrics serves the invocation metrics and Node's process metrics the README names", async () => {
    await http("GET", "/exam/two");
    await http("POST", "/exam/auth", {}); // refused: counted under its code
    let value = await scrape();
    // The invocation metrics of filters.metrics(), by handler, transport and code.
    expect(value("wego_invocations_total", { handler: "two", transport: "http", code: "ok" })).toBeGreaterThanOrEqual(1);
    expect(value("wego_invocations_total", { handler: "auth", transport: "http", code: "unauthenticated" })).toBeGreaterThanOrEqual(1);
    expect(value("wego_invocation_duration_seconds_count", { handler: "two", transport: "http", code: "ok" })).toBeGreaterThanOrEqual(1);
    const all = { handler: "two", transport: "http", code: "ok", le: "+Inf" };
    expect(value("wego_invocation_duration_seconds_bucket", all)).toBeGreaterThanOrEqual(1);
    expect(value("wego_invocations_in_flight", { handler: "two", transport: "http" })).toBe(0);
    // Node's process metrics (prom-client's collectDefaultMetrics on app.metrics).
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(10 * 2 ** 20);
    expect(value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(value("nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value("nodejs_active_handles_total")).toBeGreaterThan(0);
    // Every transport records into the same registry: the cron runs two every 2 s.
    await exam.waitFor("a cron run of two", (l) => l.transport === "cron" && l.msg === "two", 10_000);
    value = await scrape();
    expect(value("wego_invocations_total", { handler: "two", transport: "cron", code: "ok" })).toBeGreaterThanOrEqual(1);
  });

  it("HTTP: the Redis service sets and reads keys through the shared connection, under the configured prefix", async () => {
    const res = await http<{ redis: { go_key: string; fooExisted: boolean } }>("GET", "/exam/redis");
    expect(res.status).toBe(200);
    expect(res.body.data.redis.go_key).toBe("value");
    const again = await http<{ redis: { fooExisted: boolean } }>("GET", "/exam/redis");
    expect(again.body.data.redis.fooExisted).toBe(true);
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.get(`${redisPrefix}go_key`)).toBe("value");
    } finally {
      await redis.quit();
    }
  });

  it("HTTP: the Sql service fetches the seed's user through UserRepo, then from the cache", async () => {
    const res = await http<{ user: { id: string; name: string }; cached: boolean }>("GET", "/exam/sql");
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ id: seedUserId, name: "wego" });
    const other = await http<{ user: { id: string; name: string }; cached: boolean }>("GET", "/exam/sql/1189164474851006209");
    expect(other.body.data).toMatchObject({ user: { name: "chassis" }, cached: false });
    const cached = await http<{ cached: boolean }>("GET", "/exam/sql/1189164474851006209");
    expect(cached.body.data.cached).toBe(true);
    const missing = await http("GET", "/exam/sql/42");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
  });

  it("gRPC (@grpc/grpc-js, the .proto of @wego/grpc): route Two, and an unknown route", async () => {
    const { client, call } = grpcClient();
    try {
      const res = await call({ route: "Two", payload: JSON.stringify({ a: 1 }), requestId: "grpc-e2e-1" });
      expect(res.code).toBe("ok");
      const envelope = JSON.parse(res.envelope) as Envelope<{ two: { transport: string; from: string } }>;
      expect(envelope.data.two).toMatchObject({ from: "TwoService", transport: "grpc" });
      expect(envelope.requestId).toBe("grpc-e2e-1");
      await expect(call({ route: "Nope", payload: "{}" })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      client.close();
    }
  });

  it("WebSocket (ws): frames to two and auth are answered with their id", async () => {
    const login = await http<{ token: string }>("POST", "/exam/login", { name: "ws-user" });
    const sock = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${login.body.data.token}` } });
    const replies = new Map<string, Envelope & { id: string }>();
    const got = new Promise<void>((resolve, reject) => {
      sock.on("message", (raw) => {
        const msg = JSON.parse(String(raw)) as Envelope & { id: string };
        replies.set(msg.id, msg);
        if (replies.size === 2) resolve();
      });
      sock.on("error", reject);
    });
    await new Promise<void>((resolve, reject) => {
      sock.once("open", () => resolve());
      sock.once("error", reject);
    });
    sock.send(JSON.stringify({ id: "w1", route: "two", data: {} }));
    sock.send(JSON.stringify({ id: "w2", route: "auth", data: {} }));
    await got;
    sock.close();
    expect(replies.get("w1")).toMatchObject({ code: "ok", data: { two: { transport: "ws" } } });
    expect(replies.get("w2")).toMatchObject({ code: "ok", data: { auth: { name: "ws-user" } } });
  });

  it("CLI: one command per process, the envelope on stdout, logs on stderr, exit code from the error code", async () => {
    const two = await runCommand(["run", "exam.two"], env);
    expect(two.code).toBe(0);
    const out = JSON.parse(two.stdout) as Envelope<{ two: { transport: string } }>;
    expect(out.data.two.transport).toBe("cli");
    expect(two.stderr).toContain('"msg":"two"'); // the service's log line, on stderr

    const token = await runCommand(["run", "exam.token", "--name", "cli-user"], env);
    expect(token.code).toBe(0);
    const signed = (JSON.parse(token.stdout) as Envelope<{ token: string }>).data.token;
    const auth = await http<{ auth: { name: string } }>("POST", "/exam/auth", {}, { authorization: `Bearer ${signed}` });
    expect(auth.body.data.auth.name).toBe("cli-user");

    const sql = await runCommand(["--cmd", "exam.sql", "--args", JSON.stringify({ id: seedUserId })], env);
    expect(sql.code).toBe(0);
    expect((JSON.parse(sql.stdout) as Envelope<{ user: { name: string } }>).data.user.name).toBe("wego");

    const list = await runCommand(["run", "migrate:list"], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Envelope<{ pending: string[] }>).data.pending).toEqual([]);

    const unknown = await runCommand(["run", "exam.nope"], env);
    expect(unknown.code).toBe(10);
    expect((JSON.parse(unknown.stdout) as Envelope).code).toBe("unimplemented");
  });

  it("queue: a job pushed by a bare BullMQ producer, and one pushed through POST /exam/queue, are worked", async () => {
    const job = await queue.add("exam.two", { from: "bullmq" });
    const done = await waitForState(job.id as string, "completed");
    expect(done.returnvalue).toMatchObject({ two: { from: "TwoService", transport: "queue" } });

    const pushed = await http<{ queued: { jobId: string; queue: string } }>("POST", "/exam/queue", { route: "exam.job", data: { ms: 10 } });
    expect(pushed.status).toBe(200);
    expect(pushed.body.data.queued.queue).toBe("exam");
    const worked = await waitForState(pushed.body.data.queued.jobId, "completed");
    expect(worked.returnvalue).toMatchObject({ job: { jobId: pushed.body.data.queued.jobId } });
  });

  it("cron (*/2 → two, */5 → one) and the timer's heartbeat run, as the output shows", async () => {
    const cron = (spec: string, msg: string) => (l: LogLine) => l.transport === "cron" && l.route === spec && l.msg === msg;
    await exam.waitFor("a */2 run of two", cron("*/2 * * * * *", "two"), 10_000);
    await exam.waitFor("a */5 run of one", cron("*/5 * * * * *", "one: chain finished"), 10_000);
    await exam.waitFor("a heartbeat", (l) => l.transport === "timer" && l.route === "heartbeat" && l.msg === "heartbeat", 10_000);
  });

  it("SIGTERM: a job running at the signal completes, then the process exits 0 and nothing failed", async () => {
    const job = await queue.add("exam.job", { ms: 1500 });
    await waitForState(job.id as string, "active");
    expect(exam.kill("SIGTERM")).toBe(true);
    const exit = await exam.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const done = await queue.getJob(job.id as string);
    expect(await done?.getState()).toBe("completed");
    expect((done?.returnvalue as { job?: { tookMs: number } } | undefined)?.job?.tookMs).toBeGreaterThanOrEqual(1500);
    expect(exam.lines.at(-1)?.msg).toBe("exam stopped");
    expect(exam.lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(exam.other.join("")).toBe("");
  });
});

async function waitForState(id: string, state: "active" | "completed", timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = await queue.getJobState(id);
    // Fetched after the state was seen, so it carries the return value of a completed job.
    const job = now === state || now === "failed" ? await queue.getJob(id) : undefined;
    if (job && now === state) return job;
    if (now === "failed") throw new Error(`job ${id} failed: ${job?.failedReason}`);
    if (Date.now() > until) throw new Error(`job ${id} is ${now}, not ${state}, after ${timeoutMs} ms\n${exam.tail()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
