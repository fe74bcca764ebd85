import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox's change's own statement writes the event alone, with the webhooks subscribed at
 * that moment (`webhook_ids`); its deliveries are written right after the commit, and
 * `fan_out_until` marks the events whose deliveries are not written yet. The partial index serves
 * the search for such events left behind by an instance that died.
 */
export class AddWebhookEventFanOut1795900000000 implements MigrationInterface {
  name = 'AddWebhookEventFanOut1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "webhook_ids" uuid array`);
    await queryRunner.query(
      `ALTER TABLE "webhook_events" ADD "fan_out_until" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_events_fan_out_idx" ON "webhook_events" ("fan_out_until") WHERE "fan_out_until" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The earlier code writes deliveries with their event only: the events still waiting for
    // theirs get them now, due at once, so that nothing committed goes undelivered.
    await queryRunner.query(
      `INSERT INTO "webhook_deliveries" ("webhook_id", "event_id", "event_type", "status", "attempts",
                                         "schedule_start", "next_attempt_at", "created_at")
       SELECT w."id", e."id", e."type", 'PENDING', 0, 0, now(), e."occurred_at"
         FROM "webhook_events" e JOIN "webhooks" w ON w."id" = ANY (e."webhook_ids")
        WHERE e."fan_out_until" IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."webhook_events_fan_out_idx"`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "fan_out_until"`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "webhook_ids"`);
  }
}
