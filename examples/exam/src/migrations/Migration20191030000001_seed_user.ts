import { Migration } from "@mikro-orm/migrations";

/** Seed data: the user the seed's SqlService fetches (`repo.FetchId("1189164474851006208")`), and one more. */
export class Migration20191030000001SeedUser extends Migration {
  override up(): void {
    this.addSql(
      "insert into `exam_user` (`id`, `name`, `email`, `created_at`) values " +
        "(1189164474851006208, 'wego', 'wego@example.com', '2019-10-29 12:00:00'), " +
        "(1189164474851006209, 'chassis', 'chassis@example.com', '2019-10-29 12:00:01');",
    );
  }

  override down(): void {
    this.addSql("delete from `exam_user` where `id` in (1189164474851006208, 1189164474851006209);");
  }
}
