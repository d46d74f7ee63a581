import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import type { Code } from "../errors/code.js";
import { WegoError } from "../errors/wego-error.js";

/** What a transport's client got back, decoded to wego terms. */
export interface ConformanceReply {
  code: Code | "ok";
  data?: unknown;
  message?: string;
  /** Request id the reply carried, if the transport echoes one. */
  requestId?: string;
}

/**
 * How the suite drives one transport. Route names are the handler names:
 * `echo`, `notFound`, `crash`, `slow`, `invalid` (a driver maps each to its own
 * terms: `POST /echo`, gRPC route `echo`, WS route `echo`, job name `echo`…).
 */
export interface ConformanceDriver {
  /** The transport name the router puts on `ctx.transport`. */
  transport: string;
  /** Create the router for `routes` and add it to `app` (`app.router(...)`); the suite then starts the app. */
  mount(app: App, routes: readonly string[]): void | Promise<void>;
  /** Invoke `route` with `input` through a real client of the transport. */
  call(route: string, input: Record<string, unknown>, options?: { requestId?: string }): Promise<ConformanceReply>;
  /** Features the transport lacks; their cases are left out (and named in the suite's output). */
  lacks?: { requestId?: boolean };
  /** Release client resources after each case. */
  close?(): void | Promise<void>;
}

interface Gate {
  entered: Promise<void>;
  release: () => void;
}

function gate(): Gate & { enter: () => void; wait: Promise<void> } {
  let enter!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((r) => {
    enter = r;
  });
  const wait = new Promise<void>((r) => {
    release = r;
  });
  return { entered, release, enter, wait };
}

/**
 * The router conformance suite: every transport package runs it in its own
 * `conformance.test.ts` with a driver. It checks what every router must do
 * the same way: input in and result out, request id propagation, error codes,
 * no internal detail leaked in production, serving on after errors, unknown
 * handlers failing at boot, and a graceful stop that finishes in-flight work
 * and refuses new work.
 */
export function describeRouterConformance(name: string, makeDriver: () => ConformanceDriver | Promise<ConformanceDriver>): void {
  describe(`router conformance: ${name}`, () => {
    let app: App | undefined;
    let driver: ConformanceDriver | undefined;
    let slow: ReturnType<typeof gate>;

    async function setup(routes: readonly string[] = ["echo", "notFound", "crash", "slow", "invalid"]): Promise<ConformanceDriver> {
      slow = gate();
      const a = createApp({ name: `conformance-${name}`, logger: false, production: true, config: { env: {}, argv: [] } });
      app = a;
      a.handler("echo", async (ctx) => ({ input: ctx.request, transport: ctx.transport, id: ctx.id }));
      a.handler("notFound", async () => {
        throw new WegoError("not_found", "nothing here", { reason: "NOPE" });
      });
      a.handler("crash", async () => {
        throw new Error("secret detail: db password is hunter2");
      });
      a.handler("invalid", async () => {
        throw new WegoError("invalid_argument", "name is required", { details: [{ field: "name", message: "required" }] });
      });
      a.handler("slow", async () => {
        slow.enter();
        await slow.wait;
        return { done: true };
      });
      const d = await makeDriver();
      driver = d;
      await d.mount(a, routes);
      await a.start();
      return d;
    }

    afterEach(async () => {
      slow?.release();
      await app?.stop({ timeout: 2000 });
      await driver?.close?.();
      app = undefined;
      driver = undefined;
    });

    it("delivers the input to the handler and its result back", async () => {
      const d = await setup();
      const reply = await d.call("echo", { a: 1, nested: { b: "x" }, list: [1, 2] });
      expect(reply.code).toBe("ok");
      const data = reply.data as { input: Record<string, unknown>; transport: string };
      expect(data.input).toMatchObject({ a: 1, nested: { b: "x" }, list: [1, 2] });
      expect(data.transport).toBe(d.transport);
    });

    it("propagates the caller's request id, or generates one", async () => {
      const d = await setup();
      if (d.lacks?.requestId) {
        const reply = await d.call("echo", {});
        expect(typeof (reply.data as { id: unknown }).id).toBe("string");
        expect((reply.data as { id: string }).id.length).toBeGreaterThan(0);
        return;
      }
      const reply = await d.call("echo", {}, { requestId: "conf-req-42" });
      expect((reply.data as { id: string }).id).toBe("conf-req-42");
      if (reply.requestId !== undefined) expect(reply.requestId).toBe("conf-req-42");
      const other = await d.call("echo", {});
      expect((other.data as { id: string }).id).not.toBe("conf-req-42");
      expect((other.data as { id: string }).id.length).toBeGreaterThan(0);
    });

    it("maps an application error to its code and keeps its message", async () => {
      const d = await setup();
      const reply = await d.call("notFound", {});
      expect(reply.code).toBe("not_found");
      expect(reply.message).toContain("nothing here");
      const bad = await d.call("invalid", {});
      expect(bad.code).toBe("invalid_argument");
    });

    it("hides an internal error's detail in production and keeps serving", async () => {
      const d = await setup();
      const reply = await d.call("crash", {});
      expect(reply.code).toBe("internal");
      expect(reply.message ?? "").not.toContain("hunter2");
      expect(JSON.stringify(reply.data ?? null)).not.toContain("hunter2");
      const after = await d.call("echo", { still: "alive" });
      expect(after.code).toBe("ok");
    });

    it("fails at start when a route names an unknown handler", async () => {
      await expect(setup(["echo", "noSuchHandler"])).rejects.toThrow(/noSuchHandler/);
      expect(app?.state).toBe("stopped");
    });

    it("finishes in-flight work on stop and refuses new work", async () => {
      const d = await setup();
      const running = d.call("slow", {});
      await slow.entered;
      const stopping = (app as App).stop({ timeout: 5000 });
      // Give the router a moment to stop accepting.
      await new Promise((r) => setTimeout(r, 50));
      const refused = await d.call("echo", {}).then(
        (r) => r.code,
        () => "refused",
      );
      expect(["refused", "unavailable"]).toContain(refused);
      slow.release();
      const reply = await running;
      expect(reply.code).toBe("ok");
      expect(reply.data).toMatchObject({ done: true });
      await stopping;
      expect(app?.state).toBe("stopped");
    });
  });
}
