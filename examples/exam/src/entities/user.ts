import { defineEntity, p } from "@mikro-orm/mysql";

/**
 * The seed's user: a snowflake id (a decimal string, as `app.id()` makes
 * them) and a name. Defined with `defineEntity`: no decorators.
 */
export const UserSchema = defineEntity({
  name: "User",
  tableName: "exam_user",
  properties: {
    id: p.bigint("string").primary(),
    name: p.string().length(64),
    email: p.string().length(128).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
