import { type App, type Endpoint, filters, jwtClaimsKey, type Provider, services, WegoError } from "@wego/core";
import { registerMigrationHandlers } from "@wego/mysql";
import { createQueueProducer, type QueueProducer, resolveConnection } from "@wego/redis-queue";
import { collectDefaultMetrics } from "prom-client";
import { AuthService } from "../services/auth-service.js";
import { HeartbeatService } from "../services/heartbeat-service.js";
import { JobService } from "../services/job-service.js";
import { LoginService } from "../services/login-service.js";
import { OneService } from "../services/one-service.js";
import { PushService } from "../services/push-service.js";
import { RedisService } from "../services/redis-service.js";
import { SqlService } from "../services/sql-service.js";
import { TwoService } from "../services/two-service.js";
import type { BootStrap } from "./boot-strap.js";
import { jwtSettings } from "./jwt-settings.js";

const migrationHandlers = ["migrate:up", "migrate:down", "migrate:create", "migrate:list"];

/**
 * The seed's ExamProvider: handlers are filters around service chains,
 * registered by name; every router points at these names. Each one is
 * measured (`filters.metrics()`), and Node's process metrics are collected
 * into the same registry (`app.metrics`), which the HTTP router serves on
 * `/metrics`.
 */
export class ExamProvider implements Provider {
  readonly #boot: BootStrap;
  #producer: QueueProducer | undefined;

  constructor(boot: BootStrap) {
    this.#boot = boot;
  }

  register(app: App): void {
    const boot = this.#boot;
    const jwt = jwtSettings(app);

    // wego_invocations_total, wego_invocation_duration_seconds and wego_invocations_in_flight,
    // by handler, transport and code; plus process_* and nodejs_* (CPU, memory, heap, GC, event loop lag).
    collectDefaultMetrics({ register: app.metrics });
    const measured = filters.metrics();
    const handler = (name: string, endpoint: Endpoint): void => {
      app.handler(name, filters.chain(measured, endpoint));
    };

    // The seed's three handlers.
    handler("one", filters.limit(services.chain(new OneService(), new TwoService())));
    handler(
      "auth",
      filters.chain(
        filters.response(),
        filters.jwt(jwt.verify),
        // After jwt, so each user has their own budget (3 calls per 3 s).
        filters.rateLimit({ key: (ctx) => ctx.get(jwtClaimsKey)?.sub, prefix: "auth:" }),
        filters.comm(services.chain(new AuthService())),
      ),
    );
    handler("two", filters.create(services.chain(new TwoService())));

    // Around them: a demo token, the timer's heartbeat, a queue job.
    const login = !app.production || app.config.get("exam.login", false);
    handler(
      "login",
      login
        ? filters.create(services.chain(new LoginService(jwt)))
        : () => Promise.reject(new WegoError("permission_denied", "the demo login is off in production (exam.login)")),
    );
    handler("heartbeat", filters.create(services.chain(new HeartbeatService(app))));
    handler("job", filters.create(services.chain(new JobService())));

    // What needs Redis or MySQL answers `unavailable` when they were not there at start.
    handler(
      "redis",
      boot.endpoint("redis", "redis", () => filters.create(services.chain(new RedisService()))),
    );
    handler(
      "push",
      boot.endpoint("redis", "push", () => {
        this.#producer = createQueueProducer({
          connection: resolveConnection(undefined, app.config),
          queue: app.config.get("queue.name", "exam"),
          prefix: app.config.get("queue.prefix", "wego"),
        });
        const producer = this.#producer;
        return filters.create(services.chain(new PushService(() => producer)));
      }),
    );
    handler(
      "sql",
      // mysql.scope() gives each invocation its own EntityManager (made only when MySQL is up).
      boot.endpoint("mysql", "sql", () =>
        filters.chain(filters.response(), boot.mysql!.scope(), filters.comm(services.chain(new SqlService()))),
      ),
    );
    if (boot.mysql !== undefined) registerMigrationHandlers(app);
    else for (const name of migrationHandlers) handler(name, boot.unavailable("mysql", name));
  }

  async shutdown(): Promise<void> {
    await this.#producer?.close();
  }
}
