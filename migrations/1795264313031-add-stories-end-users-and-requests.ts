import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stories and the bot's entry story; end users; user requests; and the message log, whose
 * (request_id, seq) and (request_id, author, client_message_id) keys make seqs unique and sends
 * idempotent.
 */
export class AddStoriesEndUsersAndRequests1795264313031 implements MigrationInterface {
  name = 'AddStoriesEndUsersAndRequests1795264313031';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "stories" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "name" text NOT NULL,
        "steps" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "stories_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "stories_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "stories_bot_id_idx" ON "stories" ("bot_id")`);
    await queryRunner.query(`ALTER TABLE "bots" ADD "entry_story_id" uuid`);
    await queryRunner.query(`
      ALTER TABLE "bots" ADD CONSTRAINT "bots_entry_story_id_fkey" FOREIGN KEY ("entry_story_id")
        REFERENCES "stories" ("id") ON DELETE SET NULL ON UPDATE NO ACTION`);

    await queryRunner.query(`
      CREATE TABLE "end_users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "external_id" text,
        "display_name" text,
        "locale" text NOT NULL,
        "last_seen_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "end_users_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "end_users_bot_id_external_id_key" UNIQUE ("bot_id", "external_id"),
        CONSTRAINT "end_users_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await queryRunner.query(`CREATE TYPE "public"."request_status" AS ENUM ('OPEN', 'CLOSED')`);
    await queryRunner.query(`CREATE TYPE "public"."control_mode" AS ENUM ('BOT', 'HUMAN')`);
    await queryRunner.query(
      `CREATE TYPE "public"."support_team_state" AS ENUM ('ONLINE', 'OFFLINE')`,
    );
    await queryRunner.query(`
      CREATE TABLE "user_requests" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "end_user_id" uuid NOT NULL,
        "status" "public"."request_status" NOT NULL DEFAULT 'OPEN',
        "control_mode" "public"."control_mode" NOT NULL DEFAULT 'BOT',
        "awaiting_human" boolean NOT NULL DEFAULT false,
        "support_status_at_creation" "public"."support_team_state" NOT NULL,
        "last_seq" integer NOT NULL DEFAULT '0',
        "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "user_requests_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "user_requests_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "user_requests_end_user_id_fkey" FOREIGN KEY ("end_user_id")
          REFERENCES "end_users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // The requests list: a bot's requests, newest activity first (keyset on activity, id).
    await queryRunner.query(
      `CREATE INDEX "user_requests_bot_id_activity_idx" ON "user_requests" ("bot_id", "last_activity_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "user_requests_end_user_id_idx" ON "user_requests" ("end_user_id")`,
    );

    await queryRunner.query(
      `CREATE TYPE "public"."message_author" AS ENUM ('END_USER', 'BOT', 'AGENT', 'SYSTEM')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."system_notice" AS ENUM ('AGENT_JOINED', 'AGENT_LEFT')`,
    );
    await queryRunner.query(`
      CREATE TABLE "messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "author" "public"."message_author" NOT NULL,
        "text" text NOT NULL,
        "notice" "public"."system_notice",
        "client_message_id" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "messages_request_id_seq_key" UNIQUE ("request_id", "seq"),
        CONSTRAINT "messages_request_id_author_client_message_id_key"
          UNIQUE ("request_id", "author", "client_message_id"),
        CONSTRAINT "messages_request_id_fkey" FOREIGN KEY ("request_id")
          REFERENCES "user_requests" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP TYPE "public"."system_notice"`);
    await queryRunner.query(`DROP TYPE "public"."message_author"`);
    await queryRunner.query(`DROP TABLE "user_requests"`);
    await queryRunner.query(`DROP TYPE "public"."support_team_state"`);
    await queryRunner.query(`DROP TYPE "public"."control_mode"`);
    await queryRunner.query(`DROP TYPE "public"."request_status"`);
    await queryRunner.query(`DROP TABLE "end_users"`);
    await queryRunner.query(`ALTER TABLE "bots" DROP CONSTRAINT "bots_entry_story_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "bots" DROP COLUMN "entry_story_id"`);
    await queryRunner.query(`DROP TABLE "stories"`);
  }
}
