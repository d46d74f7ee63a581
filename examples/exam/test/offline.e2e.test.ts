// The example with nothing behind it: Redis and MySQL pointed at closed ports.
// It must start, say once and clearly what is off, serve the rest, and stop cleanly.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, closedPort, type ExamProcess, runToExit, startExam } from "./exam-process.js";

let exam: ExamProcess;
let httpUrl: string;
let redisPort: number;
let mysqlPort: number;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  redisPort = await closedPort();
  mysqlPort = await closedPort();
  env = childEnv({ WEGO_REDIS_PORT: String(redisPort), WEGO_MYSQL_PORT: String(mysqlPort), WEGO_EXAM_HEARTBEAT: "500ms" });
  const started = await startExam(["--http.port", "0", "--grpc.port", "0", "--ws.port", "0"], env);
  exam = started.exam;
  httpUrl = started.listening.http as string;
});

afterAll(async () => {
  if (exam?.running) {
    exam.kill("SIGKILL");
    await exam.exited;
  }
});

async function get(path: string) {
  const res = await request(`${httpUrl}${path}`);
  return { status: res.statusCode, body: (await res.body.json()) as { code: string; message: string; data: unknown } };
}

describe("the example app with Redis and MySQL unreachable", () => {
  it("reports each missing service once, naming its address and what is off", async () => {
    await exam.waitFor("a heartbeat", (l) => l.msg === "heartbeat");
    await exam.waitFor(
      "a second heartbeat",
      (l) => l.msg === "heartbeat" && l.reqId !== exam.lines.find((x) => x.msg === "heartbeat")?.reqId,
    );
    const redis = exam.lines.filter((l) => l.msg.startsWith("Redis"));
    const mysql = exam.lines.filter((l) => l.msg.startsWith("MySQL"));
    expect(redis).toHaveLength(1);
    expect(mysql).toHaveLength(1);
    expect(redis[0]?.level).toBe(40);
    expect(redis[0]?.msg).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${redisPort} not reachable at start \\(connect ECONNREFUSED`));
    expect(redis[0]?.off).toEqual(["router queue", "handler redis", "handler push"]);
    expect(mysql[0]?.msg).toMatch(new RegExp(`^MySQL at 127\\.0\\.0\\.1:${mysqlPort} not reachable at start`));
    expect(mysql[0]?.off).toEqual([
      "handler sql",
      "handler migrate:up",
      "handler migrate:down",
      "handler migrate:create",
      "handler migrate:list",
    ]);
    expect(exam.lines.find((l) => l.msg === "exam started")?.servers).toEqual(["grpc", "http", "websocket", "timer", "cron"]);
  });

  it("serves what needs neither", async () => {
    const two = await get("/exam/two");
    expect(two.status).toBe(200);
    expect(two.body.data).toMatchObject({ two: { from: "TwoService", transport: "http" } });
    const one = await get("/exam/one");
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ one: { cache: { value: { aaa: "bbb", ccc: "ddd" } } } });
  });

  it("answers 503 unavailable, saying why, on what needs them", async () => {
    const redis = await get("/exam/redis");
    expect(redis.status).toBe(503);
    expect(redis.body.code).toBe("unavailable");
    expect(redis.body.message).toContain(`needs Redis at 127.0.0.1:${redisPort}, not reachable at start`);
    const sql = await get("/exam/sql");
    expect(sql.status).toBe(503);
    expect(sql.body.message).toContain(`needs MySQL at 127.0.0.1:${mysqlPort}`);
  });

  it("refuses to run the queue router when asked for it, with a clear message", async () => {
    const asked = await runToExit(["--server", "queue"], env);
    expect(asked.code).toBe(11); // unavailable
    expect(asked.stderr).toBe(
      `exam: cannot start: router "queue" failed to start: the queue router needs Redis at 127.0.0.1:${redisPort}, ` +
        `not reachable at start (connect ECONNREFUSED 127.0.0.1:${redisPort}) [WEGO_ERR_ROUTER_START]\n`,
    );
  });

  it("refuses to start in production with the example's public JWT secret", async () => {
    const prod = await runToExit(["--http.port", "0", "--grpc.port", "0", "--ws.port", "0"], { ...env, NODE_ENV: "production" });
    expect(prod.code).toBe(8); // failed_precondition
    expect(prod.stderr).toBe(
      "exam: cannot start: jwt.secret is the example's public development secret: set WEGO_JWT_SECRET in production\n",
    );
  });

  it("refuses an unknown --server with one line on stderr naming it and the known ones, nothing on stdout, exit 2", async () => {
    const nope = await runToExit(["--server", "nope"], env);
    expect(nope.stdout).toBe("");
    expect(nope.stderr).toBe(
      'exam: cannot start: server "nope" is not a registered router (known: grpc, http, queue, command, websocket, timer, cron) ' +
        "[WEGO_ERR_ROUTER_UNKNOWN]\n",
    );
    expect(nope.code).toBe(2); // invalid_argument, docs/errors.md
  });

  it("stops on SIGTERM with exit code 0", async () => {
    expect(exam.kill("SIGTERM")).toBe(true);
    expect(await exam.exited).toEqual({ code: 0, signal: null });
    expect(exam.lines.at(-1)?.msg).toBe("exam stopped");
    expect(exam.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
