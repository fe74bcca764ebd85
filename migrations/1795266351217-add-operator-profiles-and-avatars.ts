import { MigrationInterface, QueryRunner } from 'typeorm';

/** Operator profiles per bot, and avatar images stored once by content hash. */
export class AddOperatorProfilesAndAvatars1795266351217 implements MigrationInterface {
  name = 'AddOperatorProfilesAndAvatars1795266351217';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "avatars" (
        "hash" text NOT NULL,
        "content_type" text NOT NULL,
        "bytes" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "avatars_pkey" PRIMARY KEY ("hash")
      )`);
    await queryRunner.query(`
      CREATE TABLE "operator_profiles" (
        "bot_id" uuid NOT NULL,
        "account_id" uuid NOT NULL,
        "display_name" text,
        "avatar_hash" text,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "operator_profiles_pkey" PRIMARY KEY ("bot_id", "account_id"),
        CONSTRAINT "operator_profiles_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "operator_profiles_account_id_fkey" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "operator_profiles_avatar_hash_fkey" FOREIGN KEY ("avatar_hash")
          REFERENCES "avatars" ("hash") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "operator_profiles"`);
    await queryRunner.query(`DROP TABLE "avatars"`);
  }
}
