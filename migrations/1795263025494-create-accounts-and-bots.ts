import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, bots, and the per-bot roles of accounts (bot_members). */
export class CreateAccountsAndBots1795263025494 implements MigrationInterface {
  name = 'CreateAccountsAndBots1795263025494';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "accounts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "name" text NOT NULL,
        "password_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "accounts_email_key" UNIQUE ("email")
      )`);
    await queryRunner.query(`
      CREATE TABLE "bots" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "time_zone" text NOT NULL,
        "widget_key" text NOT NULL,
        "engine_key_hash" text,
        "engine_key_rotated_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "bots_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "bots_widget_key_key" UNIQUE ("widget_key"),
        CONSTRAINT "bots_engine_key_hash_key" UNIQUE ("engine_key_hash")
      )`);
    await queryRunner.query(
      `CREATE TYPE "public"."bot_role" AS ENUM ('ADMINISTRATOR', 'SUPPORT_AGENT')`,
    );
    await queryRunner.query(`
      CREATE TABLE "bot_members" (
        "bot_id" uuid NOT NULL,
        "account_id" uuid NOT NULL,
        "role" "public"."bot_role" NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "bot_members_pkey" PRIMARY KEY ("bot_id", "account_id"),
        CONSTRAINT "bot_members_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "bot_members_account_id_fkey" FOREIGN KEY ("account_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // "The bots of an account" (the `bots` query); bot-first lookups use the primary key.
    await queryRunner.query(
      `CREATE INDEX "bot_members_account_id_idx" ON "bot_members" ("account_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "bot_members"`);
    await queryRunner.query(`DROP TYPE "public"."bot_role"`);
    await queryRunner.query(`DROP TABLE "bots"`);
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
}
