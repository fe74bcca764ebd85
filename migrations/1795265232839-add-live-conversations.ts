import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live conversations (a person's control of a request), with at most one ACTIVE per request,
 * and the operator snapshot on agent messages and notices.
 */
export class AddLiveConversations1795265232839 implements MigrationInterface {
  name = 'AddLiveConversations1795265232839';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."live_conversation_status" AS ENUM ('ACTIVE', 'ENDED')`,
    );
    await queryRunner.query(`
      CREATE TABLE "live_conversations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "bot_id" uuid NOT NULL,
        "agent_id" uuid NOT NULL,
        "operator_display_name" text NOT NULL,
        "operator_named" boolean NOT NULL,
        "operator_avatar_path" text NOT NULL,
        "status" "public"."live_conversation_status" NOT NULL DEFAULT 'ACTIVE',
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "live_conversations_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "live_conversations_request_id_fkey" FOREIGN KEY ("request_id")
          REFERENCES "user_requests" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "live_conversations_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "live_conversations_agent_id_fkey" FOREIGN KEY ("agent_id")
          REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // Of any number of simultaneous takeovers of one request, exactly one can commit.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "live_conversations_one_active_per_request_key" ON "live_conversations" ("request_id") WHERE "status" = 'ACTIVE'`,
    );
    await queryRunner.query(
      `CREATE INDEX "live_conversations_bot_id_status_started_idx" ON "live_conversations" ("bot_id", "status", "started_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "live_conversations_agent_id_status_idx" ON "live_conversations" ("agent_id", "status")`,
    );
    await queryRunner.query(`ALTER TABLE "messages" ADD "agent_id" uuid`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "operator_display_name" text`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "operator_avatar_path" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "operator_avatar_path"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "operator_display_name"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "agent_id"`);
    await queryRunner.query(`DROP TABLE "live_conversations"`);
    await queryRunner.query(`DROP TYPE "public"."live_conversation_status"`);
  }
}
