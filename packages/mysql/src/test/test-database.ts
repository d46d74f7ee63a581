// Test support (not exported): each suite gets its own database on the
// shared MariaDB, created here and dropped in afterAll.
import { randomBytes } from "node:crypto";
import { type Connection, createConnection } from "mysql2/promise";

export const MYSQL_HOST = "127.0.0.1";
export const MYSQL_PORT = 3306;

/** An admin connection (no database selected) for setup, teardown and KILL. */
export function adminConnection(): Promise<Connection> {
  return createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: "root", password: "" });
}

export interface TestDatabase {
  name: string;
  url: string;
  admin: Connection;
  drop(): Promise<void>;
}

/** Create `wego_test_<random>`; `drop()` removes it and closes the admin connection. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wego_test_${randomBytes(4).toString("hex")}`;
  const admin = await adminConnection();
  await admin.query(`CREATE DATABASE \`${name}\``);
  return {
    name,
    url: `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/${name}`,
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** The number in the first column of the first row: `SELECT COUNT(*) …` from another connection's point of view. */
export async function countOf(admin: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await admin.query(sql, params);
  const first = (rows as Array<Record<string, unknown>>)[0];
  return Number(first ? Object.values(first)[0] : 0);
}
