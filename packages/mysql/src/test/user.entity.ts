// The entity the tests use: the seed's user table, declared with defineEntity (no decorators).
import { defineEntity, p } from "@mikro-orm/mysql";
import { Repository } from "../repository.js";

export const UserSchema = defineEntity({
  name: "User",
  properties: {
    id: p.integer().primary().autoincrement(),
    email: p.string().unique(),
    name: p.string(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);

/** The seed's `UserRepo{Context: ctx}`. */
export class UserRepo extends Repository<User> {
  readonly entity = User;

  byEmail(email: string): Promise<User | null> {
    return this.findOne({ email });
  }
}
