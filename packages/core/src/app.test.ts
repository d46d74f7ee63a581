import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { createContextKey } from "./context-key.js";
import { WegoError } from "./errors/wego-error.js";
import { filters } from "./filter.js";
import type { Router } from "./router.js";
import { createRouteTable } from "./transport/route-table.js";

const quiet = (extra: Parameters<typeof createApp>[0] = {}) => createApp({ logger: false, config: { env: {}, argv: [] }, ...extra });

function recordingRouter(log: string[], name: string, opts: { fail?: boolean; target?: string } = {}): Router {
  return {
    start(app) {
      if (opts.target) {
        const table = createRouteTable(name);
        table.add(`${name}-route`, opts.target, undefined);
        table.start(app);
      }
      if (opts.fail) throw new Error(`${name} port in use`);
      log.push(`start:${name}`);
    },
    stop() {
      log.push(`stop:${name}`);
    },
  };
}

describe("createApp", () => {
  it("runs providers' register, then boot, then routers, and shutdown in reverse", async () => {
    const log: string[] = [];
    const p = (n: string) => ({
      register: () => void log.push(`register:${n}`),
      boot: () => void log.push(`boot:${n}`),
      shutdown: () => void log.push(`shutdown:${n}`),
    });
    const app = quiet()
      .provider(p("a"))
      .provider(p("b"))
      .router("http", recordingRouter(log, "http"))
      .router("cron", recordingRouter(log, "cron"));
    await app.start();
    expect(app.state).toBe("running");
    await app.stop();
    expect(log).toEqual([
      "register:a",
      "register:b",
      "boot:a",
      "boot:b",
      "start:http",
      "start:cron",
      "stop:cron",
      "stop:http",
      "shutdown:b",
      "shutdown:a",
    ]);
  });

  it("starts only the servers chosen by --server / WEGO_SERVER / options", async () => {
    const log: string[] = [];
    const mk = (cfg: { env?: Record<string, string>; argv?: string[] }) =>
      createApp({ logger: false, config: { env: cfg.env ?? {}, argv: cfg.argv ?? [] } })
        .router("http", recordingRouter(log, "http"))
        .router("grpc", recordingRouter(log, "grpc"))
        .router("cron", recordingRouter(log, "cron"));
    const a = mk({ argv: ["--server", "grpc,cron"] });
    await a.start();
    await a.stop();
    expect(log).toEqual(["start:grpc", "start:cron", "stop:cron", "stop:grpc"]);
    log.length = 0;
    const b = mk({ env: { WEGO_SERVER: "http" } });
    await b.start();
    expect(log).toEqual(["start:http"]);
    await b.stop();
    const c = mk({});
    await expect(c.start({ servers: ["queue"] })).rejects.toThrow(/server "queue" is not a registered router \(known: http, grpc, cron\)/);
  });

  it("fails at boot on an unknown handler name, naming it and the route", async () => {
    const log: string[] = [];
    const app = quiet().router("http", recordingRouter(log, "http", { target: "nope" }));
    app.handler("one", async () => 1);
    const err = await app.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WegoError);
    expect((err as WegoError).message).toMatch(/handler "nope" for route "http-route" is not registered \(known: one\)/);
    expect(app.state).toBe("stopped");
  });

  it("resolves handler references taken before registration", async () => {
    const app = quiet();
    const ref = app.handler("late");
    app.handler(
      "late",
      filters.create((ctx) => void ctx.response("ok", true)),
    );
    expect(await app.invoke(ref, { transport: "memory" })).toEqual({ ok: true });
    expect(() => app.handler("late", async () => 1)).toThrow(/already registered/);
  });

  it("never leaves a half-started process: a failing router stops the ones already started", async () => {
    const log: string[] = [];
    const app = quiet()
      .router("http", recordingRouter(log, "http"))
      .router("grpc", recordingRouter(log, "grpc", { fail: true }))
      .router("ws", recordingRouter(log, "ws"));
    await expect(app.start()).rejects.toThrow(/router "grpc" failed to start: grpc port in use/);
    expect(log).toEqual(["start:http", "stop:http"]);
    expect(app.state).toBe("stopped");
  });

  it("stop() waits for an in-flight invocation and refuses new ones", async () => {
    const app = quiet();
    let release!: () => void;
    const entered = new Promise<void>((resolveEntered) => {
      app.handler("slow", async () => {
        resolveEntered();
        await new Promise<void>((r) => {
          release = r;
        });
        return "finished";
      });
    });
    app.handler("fast", async () => "fast");
    await app.start();
    const running = app.invoke("slow", { transport: "memory" });
    await entered;
    expect(app.inflight).toBe(1);
    let stopped = false;
    const stopping = app.stop({ timeout: 5000 }).then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    expect(app.state).toBe("stopping");
    const refused = await app.invoke("fast", { transport: "memory" }).catch((e: unknown) => e);
    expect((refused as WegoError).code).toBe("unavailable");
    release();
    expect(await running).toBe("finished");
    await stopping;
    expect(stopped).toBe(true);
    expect(app.inflight).toBe(0);
  });

  it("aborts what is still running at the shutdown deadline", async () => {
    const app = quiet();
    let reason: unknown;
    app.handler(
      "stuck",
      (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => {
            reason = ctx.signal.reason;
            reject(reason);
          }),
        ),
    );
    await app.start();
    const running = app.invoke("stuck", { transport: "memory" }).catch((e: unknown) => e);
    const t0 = Date.now();
    await app.stop({ timeout: 100 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(((await running) as WegoError).code).toBe("unavailable");
    expect((reason as WegoError).reason).toBe("WEGO_ERR_SHUTDOWN_DEADLINE");
  });

  it("two apps in one process share no state", async () => {
    const key = createContextKey<string>("client", "none");
    const a = quiet({ name: "a" });
    const b = quiet({ name: "b" });
    a.handler("h", async () => "from a");
    a.set(key, "redis-a");
    b.handler("h", async () => "from b");
    expect(b.get(key)).toBe("none");
    expect(await a.invoke("h", { transport: "memory" })).toBe("from a");
    expect(await b.invoke("h", { transport: "memory" })).toBe("from b");
    await a.start();
    expect(b.state).toBe("idle");
    await a.stop();
    expect(a.state).toBe("stopped");
    expect(await b.invoke("h", { transport: "memory" })).toBe("from b");
  });

  it("readiness is false until running and when a check fails", async () => {
    const app = quiet();
    let healthy = true;
    app.check("db", () => healthy);
    app.check("cache", async () => {
      if (!healthy) throw new Error("cache down");
    });
    expect((await app.readiness()).ready).toBe(false);
    await app.start();
    expect(await app.readiness()).toEqual({ ready: true, state: "running", checks: { db: { ok: true }, cache: { ok: true } } });
    healthy = false;
    const r = await app.readiness();
    expect(r.ready).toBe(false);
    expect(r.checks.cache).toEqual({ ok: false, error: "cache down" });
    await app.stop();
  });

  it("lists the routes of every router", () => {
    const app = quiet().router("http", { start() {}, stop() {}, routes: () => [{ route: "GET /a", handler: "one" }] });
    expect(app.routes()).toEqual([{ server: "http", route: "GET /a", handler: "one" }]);
  });
});
