import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The handoff lifecycle: why and by whom each live conversation ended (and, for a transfer, the
 * one it was handed to), each bot's automatic release delay, and on each request the deadline
 * of its automatic release, indexed so that every instance's sweeper finds due ones cheaply.
 *
 * Backfill of rows ENDED before this migration: a live conversation that ended when its request
 * closed (within the second before `closed_at`, as the close transaction ends it) gets
 * REQUEST_CLOSED; every other one RELEASED, the only other ending that existed. Who ended them
 * was not recorded, so `ended_by` stays null for them.
 */
export class AddHandoffLifecycle1795800100000 implements MigrationInterface {
  name = 'AddHandoffLifecycle1795800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TYPE "live_conversation_end_reason" AS ENUM
        ('RELEASED', 'TRANSFERRED', 'AUTO_RELEASED', 'REQUEST_CLOSED', 'MEMBER_REMOVED')`);
    await queryRunner.query(`
      ALTER TABLE "live_conversations"
        ADD "end_reason" "live_conversation_end_reason",
        ADD "ended_by_id" uuid,
        ADD "transferred_to_id" uuid,
        ADD CONSTRAINT "live_conversations_ended_by_id_fkey" FOREIGN KEY ("ended_by_id")
          REFERENCES "accounts"("id") ON DELETE SET NULL,
        ADD CONSTRAINT "live_conversations_transferred_to_id_fkey" FOREIGN KEY ("transferred_to_id")
          REFERENCES "live_conversations"("id") ON DELETE SET NULL`);
    await queryRunner.query(`
      UPDATE "live_conversations" lc
         SET "end_reason" = CASE
               WHEN r."status" = 'CLOSED'
                AND lc."ended_at" BETWEEN r."closed_at" - interval '1 second' AND r."closed_at"
               THEN 'REQUEST_CLOSED'::"live_conversation_end_reason"
               ELSE 'RELEASED'::"live_conversation_end_reason"
             END
        FROM "user_requests" r
       WHERE r."id" = lc."request_id" AND lc."status" = 'ENDED'`);
    await queryRunner.query(`
      ALTER TABLE "live_conversations" ADD CONSTRAINT "live_conversations_end_reason_check"
        CHECK (("status" = 'ACTIVE') = ("end_reason" IS NULL))`);
    await queryRunner.query(`
      CREATE INDEX "live_conversations_request_id_started_idx"
        ON "live_conversations" ("request_id", "started_at")`);
    await queryRunner.query(`
      ALTER TABLE "bots" ADD "auto_release_minutes" integer,
        ADD CONSTRAINT "bots_auto_release_minutes_check"
          CHECK ("auto_release_minutes" BETWEEN 1 AND 1440)`);
    await queryRunner.query(`ALTER TABLE "user_requests" ADD "auto_release_at" timestamptz`);
    await queryRunner.query(`
      CREATE INDEX "user_requests_auto_release_at_idx" ON "user_requests" ("auto_release_at")
       WHERE "auto_release_at" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "user_requests_auto_release_at_idx"`);
    await queryRunner.query(`ALTER TABLE "user_requests" DROP COLUMN "auto_release_at"`);
    await queryRunner.query(`ALTER TABLE "bots" DROP COLUMN "auto_release_minutes"`);
    await queryRunner.query(`DROP INDEX "live_conversations_request_id_started_idx"`);
    await queryRunner.query(`
      ALTER TABLE "live_conversations"
        DROP COLUMN "transferred_to_id",
        DROP COLUMN "ended_by_id",
        DROP COLUMN "end_reason"`);
    await queryRunner.query(`DROP TYPE "live_conversation_end_reason"`);
  }
}
