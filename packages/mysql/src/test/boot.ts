// Test support: an app with the mysql provider on a test database, started with no routers.
import { type App, type AppOptions, createApp } from "@wego/core";
import { type MysqlOptions, type MysqlProvider, mysqlProvider } from "../mysql-provider.js";
import { User } from "./user.entity.js";

export interface Booted {
  app: App;
  mysql: MysqlProvider;
}

/** Build the app, let `setup` register handlers, start it and create the schema. */
export async function boot(
  url: string,
  setup: (app: App, mysql: MysqlProvider) => void,
  options: Partial<MysqlOptions> = {},
  appOptions: AppOptions = { logger: false },
): Promise<Booted> {
  const app = createApp(appOptions);
  const mysql = mysqlProvider({ url, entities: [User], ...options });
  app.provider(mysql);
  setup(app, mysql);
  await app.start({ servers: [] });
  await mysql.orm.schema.update();
  return { app, mysql };
}
