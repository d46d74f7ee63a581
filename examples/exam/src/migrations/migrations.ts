import type { MigrationObject } from "@mikro-orm/core";
import { Migration20191030000000CreateUser } from "./migration-20191030-create-user.js";
import { Migration20191030000001SeedUser } from "./migration-20191030-seed-user.js";

/**
 * The example's migrations, in order. Listed rather than discovered from a
 * folder, so they travel inside the built bundle (`dist/main.js`).
 */
export const migrations: MigrationObject[] = [
  { name: "Migration20191030000000_create_user", class: Migration20191030000000CreateUser },
  { name: "Migration20191030000001_seed_user", class: Migration20191030000001SeedUser },
];
