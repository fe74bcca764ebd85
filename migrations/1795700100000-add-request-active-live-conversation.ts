import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live conversation in control of a request, on the request row itself: a message send
 * checks control in the same statement that takes its seq (one round trip), on the row it locks.
 */
export class AddRequestActiveLiveConversation1795700100000 implements MigrationInterface {
  name = 'AddRequestActiveLiveConversation1795700100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_requests" ADD "active_live_conversation_id" uuid`);
    await queryRunner.query(`
      UPDATE "user_requests" r
         SET "active_live_conversation_id" = lc."id"
        FROM "live_conversations" lc
       WHERE lc."request_id" = r."id" AND lc."status" = 'ACTIVE'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "user_requests" DROP COLUMN "active_live_conversation_id"`,
    );
  }
}
