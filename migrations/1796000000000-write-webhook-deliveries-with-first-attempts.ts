import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery's row is now written with its first attempt's outcome, once (rather than before the
 * attempt and again after it), and the event's deadline closes with the last of them. An
 * instance that died, or a late writer, may meet a row already there: one row per event and
 * webhook is what makes that write a no-op, hence the unique index (which also serves the
 * lookups by event the plain index served).
 *
 * The reference from a delivery to its event is dropped: it cost a lookup and a row lock per row
 * written, and nothing relies on it. Deliveries are only written from their event's row, in the
 * same statement; events are pruned only once they have no delivery left; and a bot's deletion
 * takes its deliveries through its webhooks, whose reference stays.
 */
export class WriteWebhookDeliveriesWithFirstAttempts1796000000000 implements MigrationInterface {
  name = 'WriteWebhookDeliveriesWithFirstAttempts1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_deliveries_event_webhook_key" ON "webhook_deliveries" ("event_id", "webhook_id") `,
    );
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_event_id_idx"`);
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_event_id_fkey"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The earlier code writes all the deliveries of an event at once: those of the events whose
    // first attempts are not all written yet get the missing ones now, due at once, so that
    // nothing committed goes undelivered.
    await queryRunner.query(
      `INSERT INTO "webhook_deliveries" ("webhook_id", "event_id", "event_type", "status", "attempts",
                                         "schedule_start", "next_attempt_at", "created_at")
       SELECT w."id", e."id", e."type", 'PENDING', 0, 0, now(), e."occurred_at"
         FROM "webhook_events" e JOIN "webhooks" w ON w."id" = ANY (e."webhook_ids")
        WHERE e."fan_out_until" IS NOT NULL
           ON CONFLICT ("event_id", "webhook_id") DO NOTHING`,
    );
    await queryRunner.query(
      `UPDATE "webhook_events" SET "fan_out_until" = NULL WHERE "fan_out_until" IS NOT NULL`,
    );
    await queryRunner.query(
      `DELETE FROM "webhook_deliveries" d
        WHERE NOT EXISTS (SELECT 1 FROM "webhook_events" e WHERE e."id" = d."event_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries" ("event_id") `,
    );
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_event_webhook_key"`);
  }
}
