import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { WegoError } from "../errors/wego-error.js";
import { filters } from "../filter.js";
import { invoke } from "../testing/invoke.js";
import { type CircuitState, circuitBreaker, createCircuitBreaker } from "./circuit-breaker.js";

const fail = () => Promise.reject(new WegoError("unavailable", "downstream down"));
const succeed = () => Promise.resolve("ok");
const settle = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: WegoError) => e.code,
  );

function setup(extra = {}) {
  const clock = { t: 1_000_000 };
  const changes: string[] = [];
  const breaker = createCircuitBreaker({
    name: "billing",
    requestVolumeThreshold: 4,
    errorThresholdPercentage: 50,
    sleepWindowMs: 1000,
    rollingWindowMs: 10_000,
    now: () => clock.t,
    onStateChange: (to: CircuitState, from: CircuitState) => changes.push(`${from}->${to}`),
    ...extra,
  });
  return { clock, changes, breaker };
}

describe("createCircuitBreaker", () => {
  it("closed → open once volume and error rate are both reached", async () => {
    const { breaker, changes } = setup();
    await settle(breaker.run(fail));
    await settle(breaker.run(fail));
    await settle(breaker.run(fail)); // 3 calls: under the volume threshold, still closed
    expect(breaker.state).toBe("closed");
    await settle(breaker.run(succeed)); // 4 calls, 75 % failed
    expect(breaker.state).toBe("closed"); // a success never opens
    await settle(breaker.run(fail)); // 5 calls, 80 %
    expect(breaker.state).toBe("open");
    expect(changes).toEqual(["closed->open"]);
    expect(breaker.stats()).toMatchObject({ calls: 5, failures: 4 });
  });

  it("stays closed while the error rate is under the threshold", async () => {
    const { breaker } = setup();
    for (let i = 0; i < 30; i++) await settle(breaker.run(i % 3 === 2 ? fail : succeed)); // never above 33 %
    expect(breaker.state).toBe("closed");
  });

  it("while open, fails fast with unavailable and a retry-after, without calling", async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) await settle(breaker.run(fail));
    expect(breaker.state).toBe("open");
    clock.t += 400;
    let called = false;
    const err = (await breaker
      .run(async () => {
        called = true;
      })
      .catch((e: unknown) => e)) as WegoError;
    expect(called).toBe(false);
    expect(err.code).toBe("unavailable");
    expect(err.rawMessage).toBe("circuit billing is open");
    expect(err.retryAfterMs).toBe(600);
  });

  it("open → half-open after the sleep window; one trial; success closes", async () => {
    const { breaker, clock, changes } = setup();
    for (let i = 0; i < 4; i++) await settle(breaker.run(fail));
    clock.t += 1000;
    expect(breaker.state).toBe("half_open");
    let release!: () => void;
    const trial = breaker.run(() => new Promise<string>((r) => (release = () => r("trial ok"))));
    // a second call during the trial is refused
    expect(await settle(breaker.run(succeed))).toBe("unavailable");
    release();
    expect(await trial).toBe("trial ok");
    expect(breaker.state).toBe("closed");
    expect(breaker.stats()).toMatchObject({ calls: 0, failures: 0 });
    expect(changes).toEqual(["closed->open", "open->half_open", "half_open->closed"]);
  });

  it("half-open → open again when the trial fails, for another sleep window", async () => {
    const { breaker, clock, changes } = setup();
    for (let i = 0; i < 4; i++) await settle(breaker.run(fail));
    clock.t += 1000;
    expect(await settle(breaker.run(fail))).toBe("unavailable");
    expect(breaker.state).toBe("open");
    clock.t += 999;
    expect(await settle(breaker.run(succeed))).toBe("unavailable");
    clock.t += 1;
    expect(await settle(breaker.run(succeed))).toBe("ok");
    expect(changes).toEqual(["closed->open", "open->half_open", "half_open->open", "open->half_open", "half_open->closed"]);
  });

  it("caller errors don't count; old failures roll out of the window", async () => {
    const { breaker, clock } = setup();
    const badInput = () => Promise.reject(new WegoError("invalid_argument", "bad"));
    for (let i = 0; i < 10; i++) await settle(breaker.run(badInput));
    expect(breaker.state).toBe("closed");
    for (let i = 0; i < 3; i++) await settle(breaker.run(fail));
    clock.t += 10_000; // the rolling window moved past them
    expect(breaker.stats()).toMatchObject({ failures: 0 });
    await settle(breaker.run(fail));
    expect(breaker.state).toBe("closed");
  });

  it("as a filter: one breaker for the handler; open calls never reach the endpoint", async () => {
    const app = createApp({ logger: false, config: { env: {}, argv: [] } });
    let reached = 0;
    const ep = filters.chain(circuitBreaker({ requestVolumeThreshold: 2, sleepWindowMs: 60_000 }), async () => {
      reached++;
      throw new WegoError("internal", "db down");
    });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await settle(invoke(app, ep)));
    expect(codes).toEqual(["internal", "internal", "unavailable", "unavailable", "unavailable"]);
    expect(reached).toBe(2);
  });

  it("rejects bad options when created", () => {
    expect(() => createCircuitBreaker({ errorThresholdPercentage: 0 })).toThrow(/errorThresholdPercentage/);
    expect(() => createCircuitBreaker({ requestVolumeThreshold: 0 })).toThrow(/requestVolumeThreshold/);
    expect(() => createCircuitBreaker({ sleepWindowMs: -1 })).toThrow(WegoError);
  });
});
