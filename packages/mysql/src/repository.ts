import type {
  CountOptions,
  EntityManager,
  EntityName,
  FilterQuery,
  FindOneOptions,
  FindOptions,
  Loaded,
  Primary,
  RequiredEntityData,
  TransactionOptions,
} from "@mikro-orm/mysql";
import { type Context, WegoError } from "@wego/core";
import { rethrowMysqlError } from "./code-map.js";
import { entityManager } from "./entity-manager.js";
import { transactional } from "./transactional.js";

/**
 * A repository bound to one invocation, as the seed's
 * `repo := &UserRepo{Context: ctx}; repo.FetchId(id)`:
 *
 * ```ts
 * class UserRepo extends Repository<User> {
 *   readonly entity = User;
 *   byEmail(email: string) { return this.findOne({ email }); }
 * }
 * const user = await new UserRepo(ctx).fetchId(id);
 * ```
 *
 * It works on the invocation's EntityManager (`entityManager(ctx)`), so all
 * repositories of one invocation share one identity map and unit of work, and
 * no two invocations ever do. Building one costs nothing: the fork happens on
 * the first query. Database errors leave as WegoErrors (`mysqlError`).
 */
export abstract class Repository<T extends object> {
  /** The entity this repository reads and writes (a class or an EntitySchema). */
  abstract readonly entity: EntityName<T>;
  readonly ctx: Context;

  constructor(ctx: Context) {
    this.ctx = ctx;
  }

  /** This invocation's EntityManager (inside `transactional`, the transaction's). */
  get em(): EntityManager {
    return entityManager(this.ctx);
  }

  /** The entity with primary key `id`; `not_found` when there is none. */
  async fetchId(id: Primary<T>, options?: FindOneOptions<T>): Promise<T> {
    const found = await this.em.findOne(this.entity, id as never, options).then(undefined, rethrowMysqlError);
    if (found === null) {
      const name = this.em.getMetadata(this.entity).className;
      throw new WegoError("not_found", `${name} ${String(id)} not found`, { details: { entity: name, id: String(id) } });
    }
    return found as T;
  }

  /** The first entity matching `where`, or null. */
  async findOne<Hint extends string = never>(where: FilterQuery<T>, options?: FindOneOptions<T, Hint>): Promise<Loaded<T, Hint> | null> {
    return this.em.findOne(this.entity, where as never, options).then(undefined, rethrowMysqlError);
  }

  /** Every entity matching `where` (`{}` for all). */
  async find<Hint extends string = never>(where: FilterQuery<T>, options?: FindOptions<T, Hint>): Promise<Loaded<T, Hint>[]> {
    return this.em.find(this.entity, where as never, options).then(undefined, rethrowMysqlError);
  }

  /** How many entities match `where`. */
  async count(where: FilterQuery<T> = {} as FilterQuery<T>, options?: CountOptions<T>): Promise<number> {
    return this.em.count(this.entity, where as never, options).then(undefined, rethrowMysqlError);
  }

  /** A new managed entity, persisted on the next `flush` (or at commit). */
  create(data: RequiredEntityData<T>): T {
    return this.em.create(this.entity, data as never) as T;
  }

  /** Mark entities for saving on the next `flush`. */
  persist(entity: T | Iterable<T>): this {
    this.em.persist(entity);
    return this;
  }

  /** Mark entities for removal on the next `flush`. */
  remove(entity: T | Iterable<T>): this {
    this.em.remove(entity);
    return this;
  }

  /** Write every pending change of this invocation's unit of work. */
  async flush(): Promise<void> {
    return this.em.flush().then(undefined, rethrowMysqlError);
  }

  /** Run `fn` in a transaction (see `transactional`); repositories on this ctx join it. */
  transactional<R>(fn: (em: EntityManager) => Promise<R>, options?: TransactionOptions): Promise<R> {
    return transactional(this.ctx, fn, options);
  }
}
