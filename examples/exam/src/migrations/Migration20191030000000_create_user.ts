import { Migration } from "@mikro-orm/migrations";

// A migration file as `migrate:create` writes them: the file name is the
// migration's name, and it imports nothing but @mikro-orm/migrations.

/** The `exam_user` table of the `User` entity. */
export class Migration20191030000000CreateUser extends Migration {
  override up(): void {
    this.addSql(
      "create table `exam_user` (`id` bigint not null, `name` varchar(64) not null, `email` varchar(128) not null, " +
        "`created_at` datetime not null, primary key (`id`), unique key `exam_user_email_unique` (`email`)) " +
        "default character set utf8mb4 engine = InnoDB;",
    );
  }

  override down(): void {
    this.addSql("drop table if exists `exam_user`;");
  }
}
