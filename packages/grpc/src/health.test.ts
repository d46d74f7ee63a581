import { type Client, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as Status } from "./gen/grpc/health/v1/health_pb.js";
import { startApp } from "./test-helpers.js";

async function next<T>(it: AsyncIterator<T>): Promise<T> {
  const r = await it.next();
  if (r.done) throw new Error("stream ended");
  return r.value;
}

describe("grpc.health.v1", () => {
  it("follows app.readiness(): Check, List and Watch", async () => {
    let dbUp = false;
    const started = await startApp({ health: { pollMs: 20 } }, (app) => {
      app.check("db", () => dbUp);
    });
    const health: Client<typeof Health> = createClient(Health, createGrpcTransport({ baseUrl: started.baseUrl }));
    expect((await health.check({})).status).toBe(Status.NOT_SERVING);
    dbUp = true;
    expect((await health.check({})).status).toBe(Status.SERVING);
    expect((await health.check({ service: "wego.v1.WegoService" })).status).toBe(Status.SERVING);
    const missing = await health.check({ service: "nope.v1.NopeService" }).catch((e: unknown) => e);
    expect(ConnectError.from(missing).code).toBe(5);

    const list = await health.list({});
    expect(Object.keys(list.statuses).sort()).toEqual(["", "wego.testing.v1.EchoService", "wego.v1.WegoService"]);
    expect(list.statuses[""]?.status).toBe(Status.SERVING);

    const watch = health.watch({})[Symbol.asyncIterator]();
    expect((await next(watch)).status).toBe(Status.SERVING);
    dbUp = false;
    expect((await next(watch)).status).toBe(Status.NOT_SERVING);
    dbUp = true;
    expect((await next(watch)).status).toBe(Status.SERVING);
    const unknown = health.watch({ service: "nope.v1.NopeService" })[Symbol.asyncIterator]();
    expect((await next(unknown)).status).toBe(Status.SERVICE_UNKNOWN);

    // Stopping: watchers hear NOT_SERVING and their streams end, so the drain is not held up.
    const t0 = Date.now();
    const stopping = started.app.stop({ timeout: 5000 });
    expect((await next(watch)).status).toBe(Status.NOT_SERVING);
    expect((await watch.next()).done).toBe(true);
    expect((await next(unknown)).status).toBe(Status.NOT_SERVING);
    expect((await unknown.next()).done).toBe(true);
    await stopping;
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("can be left out", async () => {
    const started = await startApp({ health: false });
    const err = await createClient(Health, createGrpcTransport({ baseUrl: started.baseUrl }))
      .check({})
      .catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(12);
    await started.app.stop();
  });
});
