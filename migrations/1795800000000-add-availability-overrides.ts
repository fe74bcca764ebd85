import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dated overrides of the weekly availability template (holidays, special hours), one per bot
 * and local date; and an index for counting the requests that wait for a human.
 */
export class AddAvailabilityOverrides1795800000000 implements MigrationInterface {
  name = 'AddAvailabilityOverrides1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "availability_overrides" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "date" date NOT NULL,
        "label" character varying(100),
        "ranges" jsonb NOT NULL DEFAULT '[]',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "availability_overrides_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "availability_overrides_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "availability_overrides_bot_id_date_key" ON "availability_overrides" ("bot_id", "date")`,
    );
    // supportStatus { waitingRequests }: OPEN requests queued for a human that nobody controls.
    await queryRunner.query(
      `CREATE INDEX "user_requests_waiting_idx" ON "user_requests" ("bot_id") WHERE "status" = 'OPEN' AND "awaiting_human" AND "active_live_conversation_id" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "user_requests_waiting_idx"`);
    await queryRunner.query(`DROP TABLE "availability_overrides"`);
  }
}
