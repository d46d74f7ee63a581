import { type Context, type Next, WegoError } from "@wego/core";
import { UserRepo } from "../repository/user-repo.js";
import { appFor } from "./app-for.js";

/** The user the seed fetches (`repo.FetchId("1189164474851006208")`), put there by the seed-user migration. */
const seedUserId = "1189164474851006208";

/** What the cache keeps of a user: plain JSON, not the managed entity. */
interface UserView {
  id: string;
  name: string;
  email: string;
  createdAt: string;
}

/**
 * The seed's SqlService: `new UserRepo(ctx).fetchId(id)` through the
 * invocation's own EntityManager (the handler's `mysql.scope()` filter puts
 * the database on the context). Users are kept in the app cache for 60 s;
 * concurrent misses for one id run a single query.
 */
export class SqlService {
  async handle(ctx: Context, next: Next): Promise<void> {
    const raw = (ctx.request as { id?: unknown } | undefined)?.id ?? seedUserId;
    if (typeof raw === "number" && !Number.isSafeInteger(raw)) {
      // A JSON number this large has already lost digits: snowflake ids travel as strings.
      throw new WegoError("invalid_argument", "id is too large for a JSON number: send it as a string", { details: [{ field: "id" }] });
    }
    const id = String(raw);
    if (!/^\d{1,20}$/.test(id)) throw new WegoError("invalid_argument", "id must be a decimal user id", { details: [{ field: "id" }] });
    let cached = true;
    const user = await appFor(ctx).cache.getOrCompute<UserView>(`user:${id}`, 60, async () => {
      cached = false;
      const u = await new UserRepo(ctx).fetchId(id);
      return { id: u.id, name: u.name, email: u.email, createdAt: u.createdAt.toISOString() };
    });
    ctx.response("user", user);
    ctx.response("cached", cached);
    ctx.response("request", ctx.request);
    await next();
  }
}
