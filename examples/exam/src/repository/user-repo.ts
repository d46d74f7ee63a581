import { Repository } from "@wego/mysql";
import { User } from "../entities/user.js";

/** The seed's `repository.UserRepo{Context: ctx}`: built per invocation, `new UserRepo(ctx).fetchId(id)`. */
export class UserRepo extends Repository<User> {
  readonly entity = User;
}
